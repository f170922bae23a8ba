/* The exactness check of ``_onepass`` in one pass over the bytes (an optional accelerator;
 * ``_onepass`` has the same rule in Python and uses it when this module is not built).
 *
 * ``exact_in_one_pass(body)`` is true when pydantic-core's ``validate_json`` reads every JSON
 * number of ``body`` exactly: no ``NaN``/``Infinity``, no exponent, an integer of at most 19
 * digits, and a fraction of 1 to 15 digits, not ending in 0 and not starting with "0000",
 * whose integer and fraction digits together are at most 15. Numbers inside strings are
 * skipped (JSON strings, escapes included); anything that is not valid JSON is left to the
 * validator, which refuses it, so the exact path judges it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define MAX_SIGNIFICANT 15
#define MAX_INTEGER_DIGITS 19

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* 1 when the number starting at p[*at] is exact in one pass, 0 when not; advances *at. */
static int
number_is_exact(const unsigned char *p, Py_ssize_t n, Py_ssize_t *at)
{
    Py_ssize_t i = *at;
    Py_ssize_t int_digits = 0, frac_digits = 0, frac_start;
    if (p[i] == '-') {
        i++;
    }
    while (i < n && is_digit(p[i])) {
        i++;
        int_digits++;
    }
    if (int_digits > MAX_INTEGER_DIGITS) {
        return 0;
    }
    if (i < n && p[i] == '.') {
        i++;
        frac_start = i;
        while (i < n && is_digit(p[i])) {
            i++;
            frac_digits++;
        }
        if (frac_digits > 0) {
            if (frac_digits > MAX_SIGNIFICANT || int_digits + frac_digits > MAX_SIGNIFICANT) {
                return 0;
            }
            if (p[i - 1] == '0') {
                return 0;
            }
            if (frac_digits >= 4 && p[frac_start] == '0' && p[frac_start + 1] == '0' &&
                p[frac_start + 2] == '0' && p[frac_start + 3] == '0') {
                return 0;
            }
        }
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        return 0;
    }
    *at = i;
    return 1;
}

/* The index after the string whose text starts at p[i]: the first quote not escaped by an
 * odd run of backslashes. memchr jumps from quote to quote: strings are most of an answer. */
static Py_ssize_t
string_end(const unsigned char *p, Py_ssize_t n, Py_ssize_t i)
{
    while (i < n) {
        const unsigned char *quote = memchr(p + i, '"', (size_t)(n - i));
        Py_ssize_t q, slashes = 0;
        if (quote == NULL) {
            return n;
        }
        q = quote - p;
        while (q - slashes - 1 >= i && p[q - slashes - 1] == '\\') {
            slashes++;
        }
        if (slashes % 2 == 0) {
            return q + 1;
        }
        i = q + 1;
    }
    return n;
}

static PyObject *
exact_in_one_pass(PyObject *Py_UNUSED(module), PyObject *arg)
{
    Py_buffer view;
    const unsigned char *p;
    Py_ssize_t n, i = 0;
    int exact = 1;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    p = (const unsigned char *)view.buf;
    n = view.len;
    while (i < n) {
        unsigned char c = p[i];
        if (c == '"') {
            i = string_end(p, n, i + 1);
        }
        else if (c == '-' || is_digit(c)) {
            if (!number_is_exact(p, n, &i)) {
                exact = 0;
                break;
            }
        }
        else if (c == 'N' || c == 'I') {
            exact = 0; /* NaN, Infinity (-Infinity starts with '-', then fails as a number) */
            break;
        }
        else {
            i++;
        }
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(exact);
}

static PyMethodDef methods[] = {
    {"exact_in_one_pass", exact_in_one_pass, METH_O,
     "True when validate_json reads every number of the JSON bytes exactly."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "The one-pass exactness check, compiled.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__scan(void)
{
    return PyModule_Create(&module);
}

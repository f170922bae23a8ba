/* The common values of the field types in one C call (an optional accelerator; ``_schemas``
 * uses pydantic-core's own branches when this module is not built).
 *
 * ``Fast(kind, table, fallback)`` is a one-argument callable, the plain validator of a field.
 * It decides only the values whose outcome under the field's rule is certain, and gives that
 * outcome; every other value is handed to ``fallback`` (the field's native branches and its
 * Python rule, as without this module), so no value is ever read differently:
 *
 * - ``DATETIME``: ``None`` and ``""`` give ``None``; ASCII text starting with a letter or
 *   ``_`` is kept as sent; ``"YYYY-MM-DD HH:MM:SS"`` (or ``T`` for the space) of a valid date
 *   gives the naive datetime.
 * - ``ENUM``: an ``int`` (``str`` for a text enum) found in ``table`` gives its member.
 * - ``MONEY`` (with its bounds ``low`` and ``high``): ``None``; an ``int`` gives
 *   ``Decimal(int)``, plain decimal text (``"-9865.29"``, at most 100 characters) its
 *   ``Decimal``; a ``Decimal`` with low <= |value| < high is itself. ``MONEY_JSON`` also reads a JSON fraction in those
 *   bounds as the ``Decimal`` of its float's shortest text (``repr``).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>

enum { DATETIME = 0, ENUM = 1, MONEY = 2, MONEY_JSON = 3 };

#define MAX_TEXT 100 /* _codec.MAX_NUMBER_CHARS */

typedef struct {
    PyObject_HEAD
    int kind;
    PyObject *table;    /* ENUM: value -> member */
    PyObject *fallback; /* everything this module does not decide */
    PyObject *low, *high, *neg_low, *neg_high; /* MONEY: the bounds of |value| */
    double float_low, float_high;
} Fast;

static PyObject *decimal_type;

/* An exact str whose characters are ASCII, so its bytes can be read directly. */
static int
is_ascii_text(PyObject *value)
{
    if (!PyUnicode_CheckExact(value)) {
        return 0;
    }
#if PY_VERSION_HEX < 0x030C0000
    /* A legacy string made by an old C API may not be in its compact form yet. */
    if (PyUnicode_READY(value) < 0) {
        PyErr_Clear(); /* the fallback reads it */
        return 0;
    }
#endif
    return PyUnicode_IS_ASCII(value);
}

static int
digits(const char *s, int from, int to, int *out)
{
    int value = 0;
    for (int i = from; i < to; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        value = value * 10 + (s[i] - '0');
    }
    *out = value;
    return 1;
}

/* "YYYY-MM-DD HH:MM:SS" (or with "T" for the space) as a naive datetime; NULL without an
 * error set when the text is not that form or not a valid date (the rule then decides). */
static PyObject *
canonical_datetime(PyObject *text)
{
    int year, month, day, hour, minute, second;
    if (PyUnicode_GET_LENGTH(text) != 19) { /* ASCII: checked by the caller */
        return NULL;
    }
    const char *s = (const char *)PyUnicode_1BYTE_DATA(text);
    if (s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' ||
        s[16] != ':' ||
        !digits(s, 0, 4, &year) || !digits(s, 5, 7, &month) || !digits(s, 8, 10, &day) ||
        !digits(s, 11, 13, &hour) || !digits(s, 14, 16, &minute) || !digits(s, 17, 19, &second)) {
        return NULL;
    }
    PyObject *result = PyDateTime_FromDateAndTime(year, month, day, hour, minute, second, 0);
    if (result == NULL) {
        PyErr_Clear(); /* out of range (month 13, 30 February): the rule keeps the text */
    }
    return result;
}

static PyObject *
decide_datetime(PyObject *value)
{
    if (value == Py_None) {
        Py_RETURN_NONE;
    }
    if (!is_ascii_text(value)) {
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    if (n == 0) {
        Py_RETURN_NONE;
    }
    unsigned char first = PyUnicode_1BYTE_DATA(value)[0];
    if ((first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z') || first == '_') {
        return Py_NewRef(value); /* no date form starts with a letter: kept as sent */
    }
    return canonical_datetime(value);
}

static PyObject *
decide_enum(Fast *self, PyObject *value)
{
    if (value == Py_None) {
        Py_RETURN_NONE;
    }
    if (!PyLong_CheckExact(value) && !PyUnicode_CheckExact(value)) {
        return NULL;
    }
    PyObject *member = PyDict_GetItemWithError(self->table, value);
    if (member == NULL) {
        PyErr_Clear();
        return NULL; /* an unknown value: the rule decides what it stays */
    }
    return Py_NewRef(member);
}

/* 1 when low <= |value| < high, 0 when not, -1 on error (a NaN compared). */
static int
in_bounds(Fast *self, PyObject *value)
{
    int low = PyObject_RichCompareBool(value, self->low, Py_GE);
    if (low < 0) {
        return -1;
    }
    if (low) {
        return PyObject_RichCompareBool(value, self->high, Py_LT);
    }
    int negative = PyObject_RichCompareBool(value, self->neg_low, Py_LE);
    if (negative <= 0) {
        return negative;
    }
    return PyObject_RichCompareBool(value, self->neg_high, Py_GT);
}

/* Plain decimal text ("-12", "9865.29"): at most MAX_TEXT characters, so always in range. */
static int
is_decimal_text(PyObject *text)
{
    if (!is_ascii_text(text)) {
        return 0;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, before = 0, after = 0;
    const char *s = (const char *)PyUnicode_1BYTE_DATA(text);
    if (n > MAX_TEXT) {
        return 0;
    }
    if (i < n && s[i] == '-') {
        i++;
    }
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        before++;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            after++;
        }
        if (after == 0) {
            return 0;
        }
    }
    return before > 0 && i == n;
}

static PyObject *
decide_money(Fast *self, PyObject *value)
{
    if (value == Py_None) {
        Py_RETURN_NONE;
    }
    if (PyLong_CheckExact(value) || is_decimal_text(value)) {
        return PyObject_CallOneArg(decimal_type, value);
    }
    if (Py_IS_TYPE(value, (PyTypeObject *)decimal_type)) {
        int inside = in_bounds(self, value);
        if (inside < 0) {
            PyErr_Clear();
        }
        return inside > 0 ? Py_NewRef(value) : NULL;
    }
    if (self->kind == MONEY_JSON && PyFloat_CheckExact(value)) {
        double f = PyFloat_AS_DOUBLE(value);
        double size = f < 0 ? -f : f;
        if (size >= self->float_low && size < self->float_high) {
            PyObject *text = PyObject_Repr(value);
            if (text == NULL) {
                return NULL;
            }
            PyObject *result = PyObject_CallOneArg(decimal_type, text);
            Py_DECREF(text);
            return result;
        }
    }
    return NULL;
}

static PyObject *
Fast_call(Fast *self, PyObject *args, PyObject *kwargs)
{
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
        PyErr_SetString(PyExc_TypeError, "a field validator takes no keyword arguments");
        return NULL;
    }
    if (PyTuple_GET_SIZE(args) != 1) {
        PyErr_SetString(PyExc_TypeError, "a field validator takes one value");
        return NULL;
    }
    if (self->fallback == NULL) {
        PyErr_SetString(PyExc_TypeError, "Fast() was not initialised");
        return NULL;
    }
    PyObject *value = PyTuple_GET_ITEM(args, 0);
    PyObject *result;
    switch (self->kind) {
    case DATETIME:
        result = decide_datetime(value);
        break;
    case ENUM:
        result = decide_enum(self, value);
        break;
    default:
        result = decide_money(self, value);
        break;
    }
    if (result != NULL || PyErr_Occurred()) {
        return result;
    }
    return PyObject_CallOneArg(self->fallback, value);
}

static int
Fast_init(Fast *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"kind", "table", "fallback", "low", "high", NULL};
    int kind;
    PyObject *table, *fallback, *low = NULL, *high = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iO!O|O!O!", names, &kind, &PyDict_Type,
                                     &table, &fallback, (PyTypeObject *)decimal_type, &low,
                                     (PyTypeObject *)decimal_type, &high)) {
        return -1;
    }
    if (kind < DATETIME || kind > MONEY_JSON) {
        PyErr_SetString(PyExc_ValueError, "unknown field kind");
        return -1;
    }
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "fallback must be callable");
        return -1;
    }
    if (kind >= MONEY) {
        if (low == NULL || high == NULL) {
            PyErr_SetString(PyExc_TypeError, "a money validator takes its bounds, low and high");
            return -1;
        }
        self->float_low = PyFloat_AsDouble(low);
        if (PyErr_Occurred()) {
            return -1;
        }
        self->float_high = PyFloat_AsDouble(high);
        if (PyErr_Occurred()) {
            return -1;
        }
        PyObject *neg_low = PyNumber_Negative(low);
        PyObject *neg_high = neg_low == NULL ? NULL : PyNumber_Negative(high);
        if (neg_low == NULL || neg_high == NULL) {
            Py_XDECREF(neg_low);
            Py_XDECREF(neg_high);
            return -1;
        }
        Py_XSETREF(self->low, Py_NewRef(low));
        Py_XSETREF(self->high, Py_NewRef(high));
        Py_XSETREF(self->neg_low, neg_low);
        Py_XSETREF(self->neg_high, neg_high);
    }
    self->kind = kind;
    Py_XSETREF(self->table, Py_NewRef(table));
    Py_XSETREF(self->fallback, Py_NewRef(fallback));
    return 0;
}

static int
Fast_traverse(Fast *self, visitproc visit, void *arg)
{
    Py_VISIT(self->table);
    Py_VISIT(self->fallback);
    Py_VISIT(self->low);
    Py_VISIT(self->high);
    Py_VISIT(self->neg_low);
    Py_VISIT(self->neg_high);
    return 0;
}

static int
Fast_clear(Fast *self)
{
    Py_CLEAR(self->table);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->low);
    Py_CLEAR(self->high);
    Py_CLEAR(self->neg_low);
    Py_CLEAR(self->neg_high);
    return 0;
}

static void
Fast_dealloc(Fast *self)
{
    PyObject_GC_UnTrack(self);
    Fast_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Pickled (and deep-copied) as the call that made it. */
static PyObject *
Fast_reduce(Fast *self, PyObject *unused)
{
    if (self->fallback == NULL) {
        PyErr_SetString(PyExc_TypeError, "Fast() was not initialised");
        return NULL;
    }
    if (self->low != NULL) {
        return Py_BuildValue("O(iOOOO)", Py_TYPE(self), self->kind, self->table,
                             self->fallback, self->low, self->high);
    }
    return Py_BuildValue("O(iOO)", Py_TYPE(self), self->kind, self->table, self->fallback);
}

static PyMethodDef Fast_methods[] = {
    {"__reduce__", (PyCFunction)Fast_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FastType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lemft_async._core._fields.Fast",
    .tp_basicsize = sizeof(Fast),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A field's plain validator: common values in C, the rest to the fallback.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Fast_init,
    .tp_call = (ternaryfunc)Fast_call,
    .tp_methods = Fast_methods,
    .tp_traverse = (traverseproc)Fast_traverse,
    .tp_clear = (inquiry)Fast_clear,
    .tp_dealloc = (destructor)Fast_dealloc,
};

static struct PyModuleDef fields_module = {
    PyModuleDef_HEAD_INIT, "_fields",
    "The common values of the SDK's field types in one C call (see _schemas).", -1, NULL,
};

PyMODINIT_FUNC
PyInit__fields(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return NULL;
    }
    PyObject *decimal = PyImport_ImportModule("decimal");
    if (decimal == NULL) {
        return NULL;
    }
    decimal_type = PyObject_GetAttrString(decimal, "Decimal");
    Py_DECREF(decimal);
    if (decimal_type == NULL) {
        return NULL;
    }
    if (PyType_Ready(&FastType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&fields_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Fast", (PyObject *)&FastType) < 0 ||
        PyModule_AddIntConstant(module, "DATETIME", DATETIME) < 0 ||
        PyModule_AddIntConstant(module, "ENUM", ENUM) < 0 ||
        PyModule_AddIntConstant(module, "MONEY", MONEY) < 0 ||
        PyModule_AddIntConstant(module, "MONEY_JSON", MONEY_JSON) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

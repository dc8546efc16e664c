/* Handing a call to the pure-Python twin (_pure.py): for any container the
 * core does not own (state.h), and for call shapes the C entry points do
 * not take (keywords, a wrong number of arguments). The twin's function is
 * taken from its class namespace: on Python 2 the class attribute would be
 * an unbound method, which refuses our instances.
 */
#ifndef BW_TWIN_H
#define BW_TWIN_H

#include "state.h"

/* The twin's function *name* for base *kind*, a new reference. */
static PyObject *
twin_function(int kind, const char *name)
{
    return PyMapping_GetItemString(core.twin_methods[kind], (char *)name);
}

/* twin.name(self, *args, **kwargs), args a tuple. */
static PyObject *
twin_call_tuple(int kind, const char *name, PyObject *self, PyObject *args,
                PyObject *kwargs)
{
    PyObject *function, *full, *result;
    Py_ssize_t i, n = PyTuple_GET_SIZE(args);
    function = twin_function(kind, name);
    if (function == NULL)
        return NULL;
    full = PyTuple_New(n + 1);
    if (full == NULL) {
        Py_DECREF(function);
        return NULL;
    }
    PyTuple_SET_ITEM(full, 0, Py_NewRef(self));
    for (i = 0; i < n; i++)
        PyTuple_SET_ITEM(full, i + 1, Py_NewRef(PyTuple_GET_ITEM(args, i)));
    result = PyObject_Call(function, full, kwargs);
    Py_DECREF(full);
    Py_DECREF(function);
    return result;
}

/* twin.name(self, *args), positional arguments as an array. */
static PyObject *
twin_call(int kind, const char *name, PyObject *self, PyObject *const *args,
          Py_ssize_t nargs)
{
    PyObject *tuple, *result;
    Py_ssize_t i;
    tuple = PyTuple_New(nargs);
    if (tuple == NULL)
        return NULL;
    for (i = 0; i < nargs; i++)
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
    result = twin_call_tuple(kind, name, self, tuple, NULL);
    Py_DECREF(tuple);
    return result;
}

#if PY_VERSION_HEX >= 0x03070000
/* The same from a METH_FASTCALL | METH_KEYWORDS call. */
static PyObject *
twin_call_fast(int kind, const char *name, PyObject *self,
               PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *positional, *keywords = NULL, *result;
    Py_ssize_t i, nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    positional = PyTuple_New(nargs);
    if (positional == NULL)
        return NULL;
    for (i = 0; i < nargs; i++)
        PyTuple_SET_ITEM(positional, i, Py_NewRef(args[i]));
    if (nkw > 0) {
        keywords = PyDict_New();
        if (keywords == NULL) {
            Py_DECREF(positional);
            return NULL;
        }
        for (i = 0; i < nkw; i++) {
            if (PyDict_SetItem(keywords, PyTuple_GET_ITEM(kwnames, i),
                               args[nargs + i]) < 0) {
                Py_DECREF(positional);
                Py_DECREF(keywords);
                return NULL;
            }
        }
    }
    result = twin_call_tuple(kind, name, self, positional, keywords);
    Py_DECREF(positional);
    Py_XDECREF(keywords);
    return result;
}
#endif

/* The slots' hand-offs: an int result (-1 on error) or none. */
static int
twin_call_int(int kind, const char *name, PyObject *self,
              PyObject *const *args, Py_ssize_t nargs, int as_bool)
{
    PyObject *result = twin_call(kind, name, self, args, nargs);
    int answer;
    if (result == NULL)
        return -1;
    answer = as_bool ? PyObject_IsTrue(result) : 0;
    Py_DECREF(result);
    return answer;
}

static Py_ssize_t
twin_call_size(int kind, const char *name, PyObject *self)
{
    PyObject *result = twin_call(kind, name, self, NULL, 0);
    Py_ssize_t size;
    if (result == NULL)
        return -1;
    size = PyNumber_AsSsize_t(result, PyExc_OverflowError);
    Py_DECREF(result);
    return size;
}

/* (key, value) from one item of update()'s pairs: a 2-tuple directly, any
 * other item by the twin's unpack_pair (Python's unpacking, its errors).
 * 0 or -1. */
static int
unpack_pair(PyObject *item, PyObject **key, PyObject **value)
{
    PyObject *pair;
    if (PyTuple_CheckExact(item) && PyTuple_GET_SIZE(item) == 2) {
        *key = Py_NewRef(PyTuple_GET_ITEM(item, 0));
        *value = Py_NewRef(PyTuple_GET_ITEM(item, 1));
        return 0;
    }
    pair = PyObject_CallOneArg(core.unpack_pair, item);
    if (pair == NULL)
        return -1;
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
        Py_DECREF(pair);
        PyErr_SetString(PyExc_SystemError, "unpack_pair gave no pair");
        return -1;
    }
    *key = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
    *value = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
    Py_DECREF(pair);
    return 0;
}

#endif /* BW_TWIN_H */

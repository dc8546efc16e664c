/* WeakKeyDictionaryBase: the twin's WeakKeyDictionaryBase (_pure.py),
 * statement for statement, on the exact dict the core made. Entries are
 * ref(key, _remove) -> value; a lookup makes ref(key), as the twin does
 * (the interpreter hands back the key's plain ref where one lives), so the
 * dict compares references the way it does for the twin.
 */
#ifndef BW_KEY_DICT_H
#define BW_KEY_DICT_H

#include "iterator.h"
#include "remover.h"

/* The owned data of self and ref(key), for a lookup: 1 with both, 0 when
 * the method must go to the twin, -1 on an error (key not weakly
 * referenceable). */
static int
owned_and_ref(PyObject *self, int kind, PyObject *key, PyObject **data,
              PyObject **wr)
{
    *wr = NULL;
    if (!owned(self, kind, data, NULL))
        return 0;
    *wr = PyWeakref_NewRef(key, NULL);
    if (*wr == NULL) {
        Py_CLEAR(*data);
        return -1;
    }
    return 1;
}

/* d[key]: data[ref(key)]. */
static PyObject *
key_dict_subscript(PyObject *self, PyObject *key)
{
    PyObject *data, *wr, *value;
    int found = owned_and_ref(self, KEY_DICT, key, &data, &wr);
    if (found <= 0)
        return found < 0 ? NULL
            : twin_call(KEY_DICT, "__getitem__", self, &key, 1);
    found = PyDict_GetItemRef(data, wr, &value);
    Py_DECREF(data);
    if (found == 0)
        set_key_error(wr);
    Py_DECREF(wr);
    return found > 0 ? value : NULL;
}

/* d[key] = value: data[ref(key, _remove)] = value; del d[key]:
 * del data[ref(key)]. */
static int
key_dict_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    PyObject *data, *remove = NULL, *wr, *args[2];
    int status;
    args[0] = key;
    args[1] = value;
    if (!owned(self, KEY_DICT, &data, value == NULL ? NULL : &remove))
        return twin_call_int(KEY_DICT,
                             value == NULL ? "__delitem__" : "__setitem__",
                             self, args, value == NULL ? 1 : 2, 0);
    wr = PyWeakref_NewRef(key, remove);
    Py_XDECREF(remove);
    if (wr == NULL)
        status = -1;
    else if (value == NULL)
        status = PyObject_DelItem(data, wr);
    else
        status = PyObject_SetItem(data, wr, value);
    Py_XDECREF(wr);
    Py_DECREF(data);
    return status;
}

/* key in d (and item in s): False for what cannot be weakly referenced,
 * else ref(key) in data, data as it is once the reference exists. */
static int
ref_contains(PyObject *self, int kind, PyObject *key)
{
    PyObject *data, *wr;
    int found;
    if (!owned(self, kind, &data, NULL))
        return twin_call_int(kind, "__contains__", self, &key, 1, 1);
    Py_DECREF(data);
    wr = PyWeakref_NewRef(key, NULL);
    if (wr == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_TypeError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    data = current_data(self, kind);
    found = data == NULL ? -1 : PySequence_Contains(data, wr);
    Py_XDECREF(data);
    Py_DECREF(wr);
    return found;
}

static int
key_dict_contains(PyObject *self, PyObject *key)
{
    return ref_contains(self, KEY_DICT, key);
}

/* get(key, default=None): data.get(ref(key), default). */
static PyObject *
key_dict_get_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *data, *wr, *value;
    int found = owned_and_ref(self, KEY_DICT, args[0], &data, &wr);
    if (found <= 0)
        return found < 0 ? NULL
            : twin_call(KEY_DICT, "get", self, args, nargs);
    found = PyDict_GetItemRef(data, wr, &value);
    Py_DECREF(data);
    Py_DECREF(wr);
    if (found < 0)
        return NULL;
    return found ? value : Py_NewRef(nargs > 1 ? args[1] : Py_None);
}

/* pop(key[, default]): data.pop(ref(key)[, default]). */
static PyObject *
key_dict_pop_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *data, *wr, *value;
    int found = owned_and_ref(self, KEY_DICT, args[0], &data, &wr);
    if (found <= 0)
        return found < 0 ? NULL
            : twin_call(KEY_DICT, "pop", self, args, nargs);
    found = BW_DICT_POP(data, wr, &value, core.absent);
    Py_DECREF(data);
    if (found == 0) {
        if (nargs > 1)
            value = Py_NewRef(args[1]);
        else
            set_key_error(wr);
    }
    Py_DECREF(wr);
    return value;
}

/* setdefault(key, default=None): data.setdefault(ref(key, _remove),
 * default). */
static PyObject *
key_dict_setdefault_impl(PyObject *self, PyObject *const *args,
                         Py_ssize_t nargs)
{
    PyObject *data, *remove, *wr, *value;
    if (!owned(self, KEY_DICT, &data, &remove))
        return twin_call(KEY_DICT, "setdefault", self, args, nargs);
    wr = PyWeakref_NewRef(args[0], remove);
    Py_DECREF(remove);
    if (wr == NULL || PyDict_SetDefaultRef(data, wr, nargs > 1 ? args[1]
                                           : Py_None, &value) < 0)
        value = NULL;
    Py_XDECREF(wr);
    Py_DECREF(data);
    return value;
}

/* The stores of copy() and update(): one entry. */
static int
key_dict_store(PyObject *data, PyObject *remove, PyObject *key,
               PyObject *value)
{
    PyObject *wr = PyWeakref_NewRef(key, remove);
    int status;
    if (wr == NULL)
        return -1;
    status = PyDict_SetItem(data, wr, value);
    Py_DECREF(wr);
    return status;
}

#endif /* BW_KEY_DICT_H */

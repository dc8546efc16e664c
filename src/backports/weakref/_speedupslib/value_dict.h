/* WeakValueDictionaryBase: the twin's WeakValueDictionaryBase (_pure.py),
 * statement for statement, on the exact dict the core made. Entries are
 * KeyedRef(value, _remove) carrying their key, in data under that key.
 */
#ifndef BW_VALUE_DICT_H
#define BW_VALUE_DICT_H

#include "iterator.h"
#include "remover.h"

/* d[key]: data[key](), absent or dead -> KeyError(key). */
static PyObject *
value_dict_subscript(PyObject *self, PyObject *key)
{
    PyObject *data, *wr, *value;
    int found;
    if (!owned(self, VALUE_DICT, &data, NULL))
        return twin_call(VALUE_DICT, "__getitem__", self, &key, 1);
    found = PyDict_GetItemRef(data, key, &wr);
    Py_DECREF(data);
    if (found <= 0) {
        if (found == 0)
            set_key_error(key);
        return NULL;
    }
    found = call_ref(wr, &value);
    Py_DECREF(wr);
    if (found == 0)
        set_key_error(key);
    return found > 0 ? value : NULL;
}

/* d[key] = value: a KeyedRef made with _remove, stored in data as it is
 * once the reference exists (making it may have collected, and a callback
 * may have replaced data). del d[key]: del data[key]. */
static int
value_dict_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    PyObject *data, *remove, *wr, *args[2];
    int status;
    args[0] = key;
    args[1] = value;
    if (!owned(self, VALUE_DICT, &data, value == NULL ? NULL : &remove))
        return twin_call_int(VALUE_DICT,
                             value == NULL ? "__delitem__" : "__setitem__",
                             self, args, value == NULL ? 1 : 2, 0);
    if (value == NULL) {
        status = PyDict_DelItem(data, key);
        Py_DECREF(data);
        return status;
    }
    Py_DECREF(data);
    wr = new_keyed_ref(value, remove, key);
    Py_DECREF(remove);
    if (wr == NULL)
        return -1;
    data = current_data(self, VALUE_DICT);
    status = data == NULL ? -1 : PyObject_SetItem(data, key, wr);
    Py_XDECREF(data);
    Py_DECREF(wr);
    return status;
}

/* key in d: data.get(key) is not None and its call is not None. */
static int
value_dict_contains(PyObject *self, PyObject *key)
{
    PyObject *data, *wr, *value;
    int found;
    if (!owned(self, VALUE_DICT, &data, NULL))
        return twin_call_int(VALUE_DICT, "__contains__", self, &key, 1, 1);
    found = PyDict_GetItemRef(data, key, &wr);
    Py_DECREF(data);
    if (found <= 0)
        return found;
    if (wr == Py_None) {
        Py_DECREF(wr);
        return 0;
    }
    found = call_ref(wr, &value);
    Py_DECREF(wr);
    Py_XDECREF(value);
    return found;
}

/* get(key, default=None): the live value under key, else default. */
static PyObject *
value_dict_get_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *data, *wr, *value;
    PyObject *deflt = nargs > 1 ? args[1] : Py_None;
    int found;
    if (!owned(self, VALUE_DICT, &data, NULL))
        return twin_call(VALUE_DICT, "get", self, args, nargs);
    found = PyDict_GetItemRef(data, args[0], &wr);
    Py_DECREF(data);
    if (found < 0)
        return NULL;
    if (found == 0 || wr == Py_None) {
        Py_XDECREF(wr);
        return Py_NewRef(deflt);
    }
    found = call_ref(wr, &value);
    Py_DECREF(wr);
    if (found < 0)
        return NULL;
    return found ? value : Py_NewRef(deflt);
}

/* A KeyError, from the lookup or from calling what it found, counts as
 * absent in pop() and setdefault() (the twin's `except KeyError`). 0 when
 * that was the error, -1 for any other. */
static int
absent_on_key_error(void)
{
    if (!PyErr_ExceptionMatches(PyExc_KeyError))
        return -1;
    PyErr_Clear();
    return 0;
}

/* The live value of what pop/setdefault found: 1 with it, 0 for none (a
 * KeyError on the way included), -1 on another error. */
static int
live_value_of(int found, PyObject *wr, PyObject **value)
{
    *value = NULL;
    if (found < 0)
        return absent_on_key_error();
    if (found == 0)
        return 0;
    found = call_ref(wr, value);
    Py_DECREF(wr);
    return found < 0 ? absent_on_key_error() : found;
}

/* pop(key[, default]): remove key; its live value, else default, else
 * KeyError(key) (a dead entry counts as absent: bpo-19542). */
static PyObject *
value_dict_pop_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *data, *wr, *value;
    int found;
    if (!owned(self, VALUE_DICT, &data, NULL))
        return twin_call(VALUE_DICT, "pop", self, args, nargs);
    found = BW_DICT_POP(data, args[0], &wr, core.absent);
    Py_DECREF(data);
    found = live_value_of(found, wr, &value);
    if (found < 0)
        return NULL;
    if (found)
        return value;
    if (nargs > 1)
        return Py_NewRef(args[1]);
    set_key_error(args[0]);
    return NULL;
}

/* data.setdefault(key, entry), as the twin calls it: an exact dict in one
 * atomic step (PyDict_SetDefaultRef), anything else by its own method.
 * *stored: a new reference to what data holds under key; -1 on error. */
static int
data_setdefault(PyObject *data, PyObject *key, PyObject *entry,
                PyObject **stored)
{
    if (PyDict_CheckExact(data))
        return PyDict_SetDefaultRef(data, key, entry, stored) < 0 ? -1 : 0;
    *stored = PyObject_CallMethodObjArgs(data, core.str_setdefault, key,
                                         entry, NULL);
    return *stored == NULL ? -1 : 0;
}

/* setdefault(key, default=None): the live value under key; else default,
 * inserted once: KeyedRef(default, _remove) goes in by data.setdefault, so
 * racing threads all get the entry stored first; a dead one found there is
 * removed while still dead (remove_dead_weakref), and the insert tried
 * again. data and _remove are read as the twin reads them. */
static PyObject *
value_dict_setdefault_impl(PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs)
{
    PyObject *data, *remove, *wr, *entry, *value, *result,
        *key = args[0];
    PyObject *deflt = nargs > 1 ? args[1] : Py_None;
    int found;
    if (!owned(self, VALUE_DICT, &data, NULL))
        return twin_call(VALUE_DICT, "setdefault", self, args, nargs);
    found = PyDict_GetItemRef(data, key, &wr);
    Py_DECREF(data);
    found = live_value_of(found, wr, &value);
    if (found < 0)
        return NULL;
    if (found)
        return value;
    remove = current_remove(self, VALUE_DICT);
    if (remove == NULL)
        return NULL;
    entry = new_keyed_ref(deflt, remove, key);
    Py_DECREF(remove);
    if (entry == NULL)
        return NULL;
    value = NULL;
    for (;;) {
        data = current_data(self, VALUE_DICT);
        if (data == NULL)
            break;
        found = data_setdefault(data, key, entry, &wr);
        Py_DECREF(data);
        if (found < 0)
            break;
        if (wr == entry) {
            Py_DECREF(wr);
            value = Py_NewRef(deflt);
            break;
        }
        found = call_ref(wr, &value);
        Py_DECREF(wr);
        if (found != 0)
            break;
        data = current_data(self, VALUE_DICT);
        if (data == NULL)
            break;
        result = PyObject_CallFunctionObjArgs(core.remove_dead_weakref, data,
                                              key, NULL);
        Py_DECREF(data);
        if (result == NULL)
            break;
        Py_DECREF(result);
    }
    Py_DECREF(entry);
    return value;
}

/* The stores of copy() and update(): one entry. */
static int
value_dict_store(PyObject *data, PyObject *remove, PyObject *key,
                 PyObject *value)
{
    PyObject *wr = new_keyed_ref(value, remove, key);
    int status;
    if (wr == NULL)
        return -1;
    status = PyDict_SetItem(data, key, wr);
    Py_DECREF(wr);
    return status;
}

#endif /* BW_VALUE_DICT_H */

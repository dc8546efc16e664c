/* WeakSetBase: the twin's WeakSetBase (_pure.py), statement for statement,
 * on the exact set the core made. Members are ref(item, _remove); lookups
 * make ref(item), as the twin does (key_dict.h: ref_contains is shared).
 */
#ifndef BW_WEAK_SET_H
#define BW_WEAK_SET_H

#include "key_dict.h"

static int
set_contains(PyObject *self, PyObject *item)
{
    return ref_contains(self, WEAK_SET, item);
}

/* add(item): data.add(ref(item, _remove)). */
static PyObject *
set_add_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *data, *remove, *wr;
    int status;
    if (!owned(self, WEAK_SET, &data, &remove))
        return twin_call(WEAK_SET, "add", self, args, nargs);
    wr = PyWeakref_NewRef(args[0], remove);
    Py_DECREF(remove);
    status = wr == NULL ? -1 : PySet_Add(data, wr);
    Py_XDECREF(wr);
    Py_DECREF(data);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* remove(item) and discard(item): data.remove(ref(item)), or discard. */
static PyObject *
set_drop(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
         int must_be_there)
{
    PyObject *data, *wr;
    int found = owned_and_ref(self, WEAK_SET, args[0], &data, &wr);
    if (found <= 0)
        return found < 0 ? NULL
            : twin_call(WEAK_SET, must_be_there ? "remove" : "discard",
                        self, args, nargs);
    found = PySet_Discard(data, wr);
    Py_DECREF(data);
    if (found == 0 && must_be_there) {
        set_key_error(wr);
        found = -1;
    }
    Py_XDECREF(wr);
    if (found < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
set_remove_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    return set_drop(self, args, nargs, 1);
}

static PyObject *
set_discard_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    return set_drop(self, args, nargs, 0);
}

/* update(other). As the twin: a subclass whose add() is its own gets
 * self.add(element) for each element; otherwise data.add and _remove are
 * read once and each element is added as a reference. */
static PyObject *
set_update_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *add, *data, *remove, *iterator, *element, *wr, *result;
    int own_add;
    if (!reads_slots(self, WEAK_SET))
        return twin_call(WEAK_SET, "update", self, args, nargs);
    add = PyObject_GetAttr((PyObject *)Py_TYPE(self), core.str_add);
    if (add != NULL)
        add = bw_unbound(add);
    if (add == NULL)
        return NULL;
    /* The twin's own test: either core's add (_core adds ours). */
    own_add = PySequence_Contains(core.unchanged_adds, add);
    Py_DECREF(add);
    if (own_add < 0)
        return NULL;
    remove = add = data = NULL;
    if (own_add) {
        data = current_data(self, WEAK_SET);
        if (data == NULL)
            return NULL;
        if (!PySet_CheckExact(data)) {
            add = PyObject_GetAttr(data, core.str_add);
            if (add == NULL)
                goto error;
        }
        remove = current_remove(self, WEAK_SET);
        if (remove == NULL)
            goto error;
    }
    iterator = PyObject_GetIter(args[0]);
    if (iterator == NULL)
        goto error;
    while ((element = PyIter_Next(iterator)) != NULL) {
        if (!own_add) {
            result = PyObject_CallMethodObjArgs(self, core.str_add, element,
                                                NULL);
        }
        else {
            wr = PyWeakref_NewRef(element, remove);
            if (wr == NULL)
                result = NULL;
            else if (add != NULL)
                result = PyObject_CallOneArg(add, wr);
            else
                result = PySet_Add(data, wr) < 0 ? NULL : Py_NewRef(Py_None);
            Py_XDECREF(wr);
        }
        Py_DECREF(element);
        if (result == NULL)
            break;
        Py_DECREF(result);
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred())
        goto error;
    Py_XDECREF(add);
    Py_XDECREF(data);
    Py_XDECREF(remove);
    Py_RETURN_NONE;
error:
    Py_XDECREF(add);
    Py_XDECREF(data);
    Py_XDECREF(remove);
    return NULL;
}

#endif /* BW_WEAK_SET_H */

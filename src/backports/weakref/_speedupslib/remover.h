/* The removal callback of a container's references: the twin's _remove
 * function, as an object. It holds a weak reference to its container and
 * nothing else, so it is never part of a cycle, is never cleared by the
 * collector, and does nothing once the container is gone; it reads the
 * container's data as the twin's function does (the slot where the
 * container's type reads the slot, else as Python looks it up).
 */
#ifndef BW_REMOVER_H
#define BW_REMOVER_H

#include "state.h"

typedef struct {
    PyObject_HEAD
    PyObject *container_ref;   /* a weakref.ref to the container */
    int kind;
} Remover;

static PyTypeObject Remover_Type;

static PyObject *
remover_new(PyObject *container, int kind)
{
    Remover *remover;
    PyObject *container_ref = PyWeakref_NewRef(container, NULL);
    if (container_ref == NULL)
        return NULL;
    remover = PyObject_New(Remover, &Remover_Type);
    if (remover == NULL) {
        Py_DECREF(container_ref);
        return NULL;
    }
    remover->container_ref = container_ref;
    remover->kind = kind;
    return (PyObject *)remover;
}

/* What the twin's callbacks do with wr, a reference of container's that
 * died: drop its entry, and only that one (a newer entry under the same key
 * stays: bpo-28427). */
static int
remove_entry(PyObject *container, int kind, PyObject *wr)
{
    PyObject *data, *key, *result;
    int status = 0;
    data = current_data(container, kind);
    if (data == NULL)
        return -1;
    switch (kind) {
    case VALUE_DICT:
        key = PyObject_GetAttr(wr, core.str_key);
        if (key == NULL) {
            status = -1;
            break;
        }
        result = PyObject_CallFunctionObjArgs(core.remove_dead_weakref, data,
                                              key, NULL);
        Py_DECREF(key);
        if (result == NULL)
            status = -1;
        Py_XDECREF(result);
        break;
    case KEY_DICT:
        /* Already gone when deleted explicitly: no error (bpo-44962). */
        if (PyObject_DelItem(data, wr) < 0) {
            if (PyErr_ExceptionMatches(PyExc_KeyError))
                PyErr_Clear();
            else
                status = -1;
        }
        break;
    default:
        if (PySet_CheckExact(data)) {
            status = PySet_Discard(data, wr) < 0 ? -1 : 0;
        }
        else {
            result = PyObject_CallMethodObjArgs(data, core.str_discard, wr,
                                                NULL);
            if (result == NULL)
                status = -1;
            Py_XDECREF(result);
        }
    }
    Py_DECREF(data);
    return status;
}

static PyObject *
remover_call(PyObject *op, PyObject *args, PyObject *kwargs)
{
    Remover *self = (Remover *)op;
    PyObject *wr, *container;
    int found, status;
    if (kwargs != NULL && PyDict_Size(kwargs) > 0) {
        PyErr_SetString(PyExc_TypeError,
                        "_remove() takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_UnpackTuple(args, "_remove", 1, 1, &wr))
        return NULL;
    found = PyWeakref_GetRef(self->container_ref, &container);
    if (found < 0)
        return NULL;
    if (found == 0)
        Py_RETURN_NONE;
    status = remove_entry(container, self->kind, wr);
    Py_DECREF(container);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* The twin's callbacks are functions without free variables. */
static PyObject *
remover_closure(PyObject *self, void *context)
{
    (void)self;
    (void)context;
    Py_RETURN_NONE;
}

static PyGetSetDef remover_getset[] = {
    {"__closure__", remover_closure, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static void
remover_dealloc(PyObject *self)
{
    Py_CLEAR(((Remover *)self)->container_ref);
    PyObject_Free(self);
}

static PyTypeObject Remover_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "backports.weakref._speedups.Remover",
    sizeof(Remover),
};

static int
remover_ready(void)
{
    Remover_Type.tp_flags = Py_TPFLAGS_DEFAULT;
    Remover_Type.tp_doc = "The removal callback of a container's references "
        "(what the pure twin's _remove function does).";
    Remover_Type.tp_dealloc = remover_dealloc;
    Remover_Type.tp_call = remover_call;
    Remover_Type.tp_getset = remover_getset;
    return PyType_Ready(&Remover_Type);
}

#endif /* BW_REMOVER_H */

/* What every part of the compiled core shares: the container's layout, the
 * objects module.c finds once at import, and the one question each method
 * asks first: does this container hold what the core made for it?
 *
 * The contract (docs/compiled-core.md): C does the work only for what it
 * owns, a container whose type reads "data" and "_remove" from our slots
 * (no __getattribute__, __getattr__, __setattr__ or property of those
 * names on the way) and whose "data" is an exact dict (a set for WeakSet).
 * Everything else is handed whole to the pure twin's method (twin.h), which
 * then is the behaviour by construction.
 */
#ifndef BW_STATE_H
#define BW_STATE_H

#include "compat.h"

enum { VALUE_DICT, KEY_DICT, WEAK_SET, KINDS };

/* A container's state, as the twin keeps it: the slots "data" (the
 * underlying dict or set) and "_remove" (the callback of its references).
 * plain_version remembers the type version for which the type was found to
 * read both from these slots (0: not known). */
typedef struct {
    PyObject_HEAD
    PyObject *data;
    PyObject *remove;
    unsigned int plain_version;
} Container;

/* The objects module.c finds once, for the one interpreter that imported
 * the module (others are refused: module.c). */
typedef struct {
    PyObject *str_data, *str_remove, *str_key, *str_add, *str_discard,
        *str_dict, *str_setdefault;
    PyObject *ref_type;            /* weakref.ref */
    PyTypeObject *keyed_ref_type;  /* weakref.KeyedRef */
    PyObject *remove_dead_weakref; /* _entries.remove_dead_weakref */
    PyObject *pairs;               /* _pure._pairs */
    PyObject *unpack_pair;         /* _pure.unpack_pair */
    PyObject *twin_methods[KINDS]; /* the twin bases' namespaces */
    PyObject *unchanged_adds;      /* _pure.UNCHANGED_ADDS */
    PyObject *slot_descriptors[KINDS][2];  /* our "data", "_remove" */
    PyObject *absent;              /* what no dict holds */
    PyInterpreterState *interpreter;
} CoreState;

static CoreState core;

static PyTypeObject base_types[KINDS];

/* The two slots, as Python sees them (and as free-threaded builds read
 * them: compat.h, BW_READ_SLOT). */
static PyMemberDef container_members[] = {
    {"data", T_OBJECT_EX, offsetof(Container, data), 0,
     "The underlying dict or set."},
    {"_remove", T_OBJECT_EX, offsetof(Container, remove), 0,
     "The callback of the references in data."},
    {NULL, 0, 0, 0, NULL}
};

/* Whether *type* finds "data" and "_remove" in the slots of base *kind*,
 * with plain attribute access: no Python code runs to read them. */
static int
type_reads_slots(PyTypeObject *type, int kind)
{
    PyObject *mro = type->tp_mro;
    Py_ssize_t i, n;
    int name, verdict = 1;
    if (type->tp_getattro != PyObject_GenericGetAttr
            || type->tp_setattro != PyObject_GenericSetAttr
            || mro == NULL || !PyTuple_Check(mro))
        return 0;
    n = PyTuple_GET_SIZE(mro);
    for (name = 0; name < 2 && verdict; name++) {
        PyObject *wanted = name == 0 ? core.str_data : core.str_remove;
        PyObject *found = NULL;
        for (i = 0; i < n && found == NULL; i++) {
            PyObject *base = PyTuple_GET_ITEM(mro, i), *namespace;
            if (!PyType_Check(base))
                return 0;
            namespace = PyType_GetDict((PyTypeObject *)base);
            if (namespace == NULL)
                continue;
            /* Type namespaces have exact str keys: no code runs. */
            if (PyDict_GetItemRef(namespace, wanted, &found) < 0) {
                PyErr_Clear();
                Py_DECREF(namespace);
                return 0;
            }
            Py_DECREF(namespace);
        }
        verdict = found == core.slot_descriptors[kind][name];
        Py_XDECREF(found);
    }
    return verdict;
}

/* Whether self's type reads our slots: remembered per container for the
 * type's current version, so that the walk above runs once per container
 * and again only after the type (or a base) changed. */
static inline int
reads_slots(PyObject *self, int kind)
{
    Container *c = (Container *)self;
    unsigned int version = bw_type_version(Py_TYPE(self));
    if (version != 0 && bw_load_version(&c->plain_version) == version)
        return 1;
    if (!type_reads_slots(Py_TYPE(self), kind))
        return 0;
    if (version != 0)
        bw_store_version(&c->plain_version, version);
    return 1;
}

/* self.data, a new reference or NULL, read from the slot: only where
 * reads_slots(self) holds. NULL without an error when unset. */
static inline PyObject *
slot_data(PyObject *self)
{
    return BW_READ_SLOT((Container *)self, data, &container_members[0]);
}

static inline PyObject *
slot_remove(PyObject *self)
{
    return BW_READ_SLOT((Container *)self, remove, &container_members[1]);
}

/* The owned state of self, for a method of base *kind*: 1 with new
 * references to data (an exact dict, or set) and, when *remove* is not
 * NULL, to _remove; 0 when the method must go to the twin (nothing held). */
static int
owned(PyObject *self, int kind, PyObject **data, PyObject **remove)
{
    *data = NULL;
    if (remove != NULL)
        *remove = NULL;
    if (!reads_slots(self, kind))
        return 0;
    *data = slot_data(self);
    if (*data == NULL)
        return 0;
    if (kind == WEAK_SET ? !PySet_CheckExact(*data)
                         : !PyDict_CheckExact(*data)) {
        Py_CLEAR(*data);
        return 0;
    }
    if (remove != NULL) {
        *remove = slot_remove(self);
        if (*remove == NULL) {
            Py_CLEAR(*data);
            return 0;
        }
    }
    return 1;
}

/* self.data (which 0) or self._remove (which 1) read again after code ran
 * (a callback, __eq__, __hash__, an allocation that collected): as Python
 * would read it now. */
static PyObject *
current_attribute(PyObject *self, int kind, int which)
{
    if (reads_slots(self, kind)) {
        PyObject *value = which == 0 ? slot_data(self) : slot_remove(self);
        if (value != NULL)
            return value;
    }
    return PyObject_GetAttr(self, which == 0 ? core.str_data
                                             : core.str_remove);
}

#define current_data(self, kind) current_attribute(self, kind, 0)
#define current_remove(self, kind) current_attribute(self, kind, 1)

/* raise KeyError(key): one argument, whatever key is (a tuple too), as
 * dicts raise it. */
static void
set_key_error(PyObject *key)
{
    PyObject *error = PyObject_CallOneArg(PyExc_KeyError, key);
    if (error != NULL) {
        PyErr_SetObject(PyExc_KeyError, error);
        Py_DECREF(error);
    }
}

/* wr() as the twin calls it: 1 and a new reference to the result, 0 when
 * that is None (dead), -1 on error. The interpreter's ref and KeyedRef are
 * read without a call (no code runs); anything else is called. */
static int
call_ref(PyObject *wr, PyObject **referent)
{
    PyObject *result;
    if (Py_TYPE(wr) == core.keyed_ref_type || PyWeakref_CheckRefExact(wr))
        return PyWeakref_GetRef(wr, referent);
    *referent = NULL;
    result = PyObject_CallNoArgs(wr);
    if (result == NULL)
        return -1;
    if (result == Py_None) {
        Py_DECREF(result);
        return 0;
    }
    *referent = result;
    return 1;
}

/* The twin's `ref.__new__(KeyedRef, value, callback)` then `wr.key = key`:
 * ref's own constructor, not KeyedRef's Python __new__ and __init__. */
static PyObject *
new_keyed_ref(PyObject *value, PyObject *callback, PyObject *key)
{
    PyObject *args, *wr;
    args = PyTuple_Pack(2, value, callback);
    if (args == NULL)
        return NULL;
    wr = ((PyTypeObject *)core.ref_type)->tp_new(core.keyed_ref_type, args,
                                                 NULL);
    Py_DECREF(args);
    if (wr != NULL && PyObject_SetAttr(wr, core.str_key, key) < 0)
        Py_CLEAR(wr);
    return wr;
}

#endif /* BW_STATE_H */

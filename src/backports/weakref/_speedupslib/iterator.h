/* Snapshot iterators: keys(), values(), items() of the weak dicts and
 * iteration of the WeakSet, as the twin's generators behave.
 *
 * Like a generator, the iterator does nothing until its first step, which
 * takes the snapshot (or, for a container the core does not own, makes the
 * twin's generator and steps that); it keeps the snapshot and the last item
 * it gave until the next step, and lets go of everything once exhausted.
 * And like a generator, it refuses to be stepped while a step is running:
 * a step re-entered from code that step runs (a callback run by a
 * collection, an __eq__, a data whose copy() is Python code), or taken by
 * a second thread meanwhile, raises ValueError("generator already
 * executing"). The flag is taken atomically on free-threaded builds, so no
 * two threads ever share the iterator's position.
 */
#ifndef BW_ITERATOR_H
#define BW_ITERATOR_H

#include "twin.h"

enum { YIELDS_KEYS, YIELDS_VALUES, YIELDS_ITEMS };

typedef struct {
    PyObject_HEAD
    PyObject *container;   /* until exhausted */
    PyObject *snapshot;    /* a dict copy or a list, from the first step */
    PyObject *twin;        /* or the twin's generator */
    PyObject *last;        /* the last item given */
    Py_ssize_t position;
    int kind, yields, running, started;
} SnapshotIterator;

static PyTypeObject SnapshotIterator_Type;

static PyObject *
iterator_new(PyObject *container, int kind, int yields)
{
    SnapshotIterator *it = PyObject_GC_New(SnapshotIterator,
                                           &SnapshotIterator_Type);
    if (it == NULL)
        return NULL;
    it->container = Py_NewRef(container);
    it->snapshot = it->twin = it->last = NULL;
    it->position = 0;
    it->kind = kind;
    it->yields = yields;
    it->running = it->started = 0;
    PyObject_GC_Track((PyObject *)it);
    return (PyObject *)it;
}

/* The twin's name for what the iterator yields. */
static const char *
twin_iterator_name(int kind, int yields)
{
    if (kind == WEAK_SET)
        return "__iter__";
    return yields == YIELDS_KEYS ? "keys"
        : yields == YIELDS_VALUES ? "values" : "items";
}

/* The first step's work: a snapshot of owned data, or the twin's generator.
 * The new object is returned; the iterator's fields are set by the caller,
 * which holds the running flag. */
static PyObject *
iterator_begin(SnapshotIterator *it, PyObject *container, int *is_twin)
{
    PyObject *data, *snapshot;
    *is_twin = 0;
    if (!owned(container, it->kind, &data, NULL)) {
        *is_twin = 1;
        return twin_call(it->kind, twin_iterator_name(it->kind, it->yields),
                         container, NULL, 0);
    }
    if (it->kind == WEAK_SET)
        snapshot = PySequence_List(data);
    else if (it->kind == VALUE_DICT && it->yields == YIELDS_VALUES)
        snapshot = PyDict_Values(data);
    else if (it->kind == KEY_DICT && it->yields == YIELDS_KEYS)
        snapshot = PyDict_Keys(data);
    else
        snapshot = PyDict_Copy(data);
    Py_DECREF(data);
    return snapshot;
}

/* One entry of the snapshot, or NULL at its end: new references to the
 * stored key and value (the entry of a list snapshot in *value). */
static int
snapshot_entry(SnapshotIterator *it, PyObject *snapshot, PyObject **key,
               PyObject **value)
{
    *key = *value = NULL;
    if (PyList_CheckExact(snapshot)) {
        if (it->position >= PyList_GET_SIZE(snapshot))
            return 0;
        *value = Py_NewRef(PyList_GET_ITEM(snapshot, it->position));
        it->position++;
        return 1;
    }
    {
        PyObject *k, *v;
        /* The snapshot is the iterator's own: nothing else changes it. */
        if (!PyDict_Next(snapshot, &it->position, &k, &v))
            return 0;
        *key = Py_NewRef(k);
        *value = Py_NewRef(v);
        return 1;
    }
}

/* The item for one entry, a new reference; NULL and no error to skip a dead
 * entry; NULL and an error. */
static PyObject *
entry_item(int kind, int yields, PyObject *key, PyObject *value)
{
    PyObject *alive, *item;
    int found;
    if (key == NULL) {
        /* A list snapshot: of references (values of a value dict, keys of
         * a key dict, members of a set). */
        found = call_ref(value, &alive);
        return found > 0 ? alive : NULL;
    }
    if (kind == VALUE_DICT) {
        found = call_ref(value, &alive);
        if (found <= 0)
            return NULL;
        if (yields == YIELDS_KEYS) {
            Py_DECREF(alive);
            return Py_NewRef(key);
        }
        item = PyTuple_Pack(2, key, alive);
        Py_DECREF(alive);
        return item;
    }
    found = call_ref(key, &alive);
    if (found <= 0)
        return NULL;
    if (yields == YIELDS_VALUES) {
        Py_DECREF(alive);
        return Py_NewRef(value);
    }
    item = PyTuple_Pack(2, alive, value);
    Py_DECREF(alive);
    return item;
}

/* A step, with the running flag held: the next item, or NULL (exhausted,
 * or an error). */
static PyObject *
iterator_step(SnapshotIterator *it)
{
    PyObject *snapshot, *twin, *key, *value, *item;
    if (!it->started) {
        PyObject *container = it->container, *made;
        int is_twin;
        it->started = 1;
        if (container == NULL)
            return NULL;
        /* Held until exhausted, as a generator's frame holds self. */
        Py_INCREF(container);
        made = iterator_begin(it, container, &is_twin);
        Py_DECREF(container);
        if (made == NULL)
            return NULL;
        if (is_twin)
            it->twin = made;
        else
            it->snapshot = made;
    }
    twin = it->twin;
    if (twin != NULL) {
        /* The twin's generator gives the items and raises the errors. */
        Py_INCREF(twin);
        item = PyIter_Next(twin);
        Py_DECREF(twin);
        return item;
    }
    snapshot = it->snapshot;
    if (snapshot == NULL)
        return NULL;
    Py_INCREF(snapshot);
    item = NULL;
    while (snapshot_entry(it, snapshot, &key, &value)) {
        item = entry_item(it->kind, it->yields, key, value);
        Py_XDECREF(key);
        Py_DECREF(value);
        if (item != NULL || PyErr_Occurred())
            break;
    }
    Py_DECREF(snapshot);
    return item;
}

static PyObject *
iterator_next(PyObject *self)
{
    SnapshotIterator *it = (SnapshotIterator *)self;
    PyObject *item, *old;
    if (!bw_flag_take(&it->running)) {
        PyErr_SetString(PyExc_ValueError, "generator already executing");
        return NULL;
    }
    Py_INCREF(self);
    item = iterator_step(it);
    if (item == NULL) {
        /* Exhausted or failed: as a generator's frame, let go of all. */
        Py_CLEAR(it->snapshot);
        Py_CLEAR(it->twin);
        Py_CLEAR(it->container);
        Py_CLEAR(it->last);
    }
    else {
        old = it->last;
        it->last = Py_NewRef(item);
        Py_XDECREF(old);
    }
    bw_flag_release(&it->running);
    Py_DECREF(self);
    return item;
}

static int
iterator_traverse(PyObject *self, visitproc visit, void *arg)
{
    SnapshotIterator *it = (SnapshotIterator *)self;
    Py_VISIT(it->container);
    Py_VISIT(it->snapshot);
    Py_VISIT(it->twin);
    Py_VISIT(it->last);
    return 0;
}

static int
iterator_clear(PyObject *self)
{
    SnapshotIterator *it = (SnapshotIterator *)self;
    Py_CLEAR(it->container);
    Py_CLEAR(it->snapshot);
    Py_CLEAR(it->twin);
    Py_CLEAR(it->last);
    return 0;
}

static void
iterator_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    (void)iterator_clear(self);
    PyObject_GC_Del(self);
}

static PyTypeObject SnapshotIterator_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "backports.weakref._speedups.SnapshotIterator",
    sizeof(SnapshotIterator),
};

static int
iterator_ready(void)
{
    SnapshotIterator_Type.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
    SnapshotIterator_Type.tp_doc = "An iterator over a container's entries "
        "as they were at its first step, skipping the dead.";
    SnapshotIterator_Type.tp_dealloc = iterator_dealloc;
    SnapshotIterator_Type.tp_traverse = iterator_traverse;
    SnapshotIterator_Type.tp_clear = iterator_clear;
    SnapshotIterator_Type.tp_iter = PyObject_SelfIter;
    SnapshotIterator_Type.tp_iternext = iterator_next;
    return PyType_Ready(&SnapshotIterator_Type);
}

#endif /* BW_ITERATOR_H */

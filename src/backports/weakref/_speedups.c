/* backports.weakref._speedups: the compiled core of the weak containers.
 *
 * Three base types, WeakValueDictionaryBase, WeakKeyDictionaryBase and
 * WeakSetBase, with the hot paths of the public classes in _dicts.py and
 * _weakset.py: the removal callback, [], in, len, get, pop, setdefault,
 * the snapshot iteration of keys, values, items and members, and the
 * per-entry loops of copy() and update(). _pure.py is their specification:
 * the same methods, in Python, which _core.py uses wherever this module is
 * absent. Where this code meets a call shape it does not handle itself
 * (keywords, a wrong number of arguments, an item that is not a pair), it
 * calls the twin's method, so that the results and the errors are the
 * twin's.
 *
 * State lives where the twin keeps it, in two slots: "data", the
 * underlying dict or set, and "_remove", the callback of its references
 * (assignable, as the twin's). Entries are the interpreter's own KeyedRef
 * (WeakValueDictionary) and ref objects, so isinstance(wr, KeyedRef)
 * holds.
 *
 * Exact dicts and sets take the C API; any other object in "data" gets the
 * same Python-level operations the twin applies to it.
 *
 * Where the three bases do the same (init, len, iteration, copy, update's
 * stores, the method tables, the types), one function serves them all and
 * asks kind_of(self) which base it works for: VALUE_DICT, KEY_DICT or
 * WEAK_SET. The hot paths ([], in, get, setdefault, pop, add, ...) stay
 * one function per kind, with no such question on the way.
 *
 * Free-threaded builds: every reference this code reads from a shared
 * object is strong (PyDict_GetItemRef, PyWeakref_GetRef), so another thread
 * may change or empty a container meanwhile, with what each dict or set
 * operation guarantees, as the twin's Python code has. Iteration walks a
 * private snapshot, and an iterator takes a critical section on itself, so
 * that two threads advancing one iterator never share its position (a
 * generator would refuse the second with "already executing").
 *
 * Differences from the twin, by construction: the iterators are not
 * generators (no send/throw/close), and hold no reference to the last item
 * they returned; _remove is a callable object, not a function (its
 * __closure__ is None all the same); a method called through its slot
 * wrapper with a wrong number of arguments (d.__getitem__()) words the
 * error as slot wrappers do; WeakValueDictionaryBase's d[key] = value,
 * where data is an exact dict whose entry under key already is a KeyedRef
 * of the interpreter's own type to value itself, carrying key itself, with
 * the current _remove as callback, keeps that entry where the twin makes
 * an equal new one (valuerefs() shows the same object; it dies and leaves
 * as the new one would). It looks the key up before storing, so only for
 * a key whose lookup runs no code of its own (exact str and int, objects
 * hashed and compared as object does: bw_key_is_plain).
 */
#include "_speedups_compat.h"

/* What _core.CORE_API must say for this module to be used. */
#define CORE_API 1

/* -- what module initialisation finds once ----------------------------------- */

static PyObject *str_data, *str_remove_attr, *str_key, *str_add, *str_copy,
    *str_items, *str_get, *str_pop, *str_setdefault, *str_discard,
    *str_remove;
/* The interpreter's weakref.KeyedRef, and the descriptor of its key slot. */
static PyTypeObject *keyed_ref_type;
static PyObject *keyed_ref_key;
/* _weakref._remove_dead_weakref: what the twin's callback calls. */
static PyObject *remove_dead_weakref;
/* dict.pop, dict.setdefault, dict.items and dict.values, unbound: what the
 * twin calls on "data" directly. */
static PyObject *dict_pop, *dict_setdefault, *dict_items, *dict_values;
/* WeakSetBase.add, to tell a subclass's own add() from ours. */
static PyObject *weakset_add;
/* A value no dict holds: bw_dict_pop's "absent". */
static PyObject *absent;
/* backports.weakref._pure, imported on first need. */
static PyObject *pure_module;
static int initialised;

/* A static type's head; initialise() sets the rest (named fields would
 * need C99 designated initialisers in a struct whose field list differs
 * between versions). */
#define TYPE_HEAD(name, size, dealloc)                                        \
    {PyVarObject_HEAD_INIT(NULL, 0) "backports.weakref._speedups." name,      \
     size, 0, dealloc}

/* The three kinds of container, in this order wherever one thing stands
 * for each: base_types, kind_names, the columns of method_rows. */
enum { VALUE_DICT, KEY_DICT, WEAK_SET, KINDS };

/* Each kind's base type, and its class name here and in the twin. */
static PyTypeObject base_types[KINDS];
static const char *const kind_names[KINDS] = {
    "WeakValueDictionaryBase", "WeakKeyDictionaryBase", "WeakSetBase"
};
static PyTypeObject Remover_Type;
static PyTypeObject SnapshotIterator_Type;
static PyTypeObject LookupKey_Type;

/* Which kind *self* is. A method of a base meets only instances of that
 * base (its method descriptor checks), and a subclass keeps the base's
 * layout, so the base is on the chain of tp_base from self's type: for the
 * public classes, one step. */
static int
kind_of(PyObject *self)
{
    PyTypeObject *type;
    int kind;
    for (type = Py_TYPE(self); type != NULL; type = type->tp_base) {
        for (kind = 0; kind < KINDS; kind++) {
            if (type == &base_types[kind])
                return kind;
        }
    }
    return WEAK_SET;    /* not reached, by the above */
}

/* -- the twin, for the call shapes handled there ------------------------------ */

/* backports.weakref._pure, imported on first need. 0 or -1. */
static int
import_pure(void)
{
    if (pure_module == NULL)
        pure_module = PyImport_ImportModule("backports.weakref._pure");
    return pure_module == NULL ? -1 : 0;
}

/* The twin's function *method* of the class of self's kind, a new
 * reference. The function itself, from the class __dict__: on Python 2 the
 * attribute would be an unbound method, which refuses instances of other
 * classes. */
static PyObject *
twin_function(PyObject *self, const char *method)
{
    PyObject *cls, *namespace, *function;
    if (import_pure() < 0)
        return NULL;
    cls = PyObject_GetAttrString(pure_module, kind_names[kind_of(self)]);
    if (cls == NULL)
        return NULL;
    namespace = PyObject_GetAttrString(cls, "__dict__");
    Py_DECREF(cls);
    if (namespace == NULL)
        return NULL;
    function = PyMapping_GetItemString(namespace, (char *)method);
    Py_DECREF(namespace);
    return function;
}

static PyObject *
bw_delegate_tuple(PyObject *self, const char *method, PyObject *args,
                  PyObject *kwargs)
{
    PyObject *function, *full, *result;
    Py_ssize_t i, n = PyTuple_GET_SIZE(args);
    function = twin_function(self, method);
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

#if PY_VERSION_HEX >= 0x03070000
static PyObject *
bw_delegate_fast(PyObject *self, const char *method, PyObject *const *args,
                 Py_ssize_t nargs, PyObject *kwnames)
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
    result = bw_delegate_tuple(self, method, positional, keywords);
    Py_DECREF(positional);
    Py_XDECREF(keywords);
    return result;
}
#endif

/* (key, value) from an item that is not a 2-tuple, by the twin's
 * unpack_pair: Python's own unpacking and its errors. 0 or -1. */
static int
unpack_pair(PyObject *item, PyObject **key, PyObject **value)
{
    PyObject *function, *pair;
    if (PyTuple_CheckExact(item) && PyTuple_GET_SIZE(item) == 2) {
        *key = Py_NewRef(PyTuple_GET_ITEM(item, 0));
        *value = Py_NewRef(PyTuple_GET_ITEM(item, 1));
        return 0;
    }
    if (import_pure() < 0)
        return -1;
    function = PyObject_GetAttrString(pure_module, "unpack_pair");
    if (function == NULL)
        return -1;
    pair = PyObject_CallOneArg(function, item);
    Py_DECREF(function);
    if (pair == NULL)
        return -1;
    *key = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
    *value = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
    Py_DECREF(pair);
    return 0;
}

/* -- what the three containers share --------------------------------------- */

/* A container's state, as the twin keeps it: two slots, "data" (the
 * underlying dict or set) and "_remove" (the callback of its references).
 * The public classes add __dict__ and __weakref__, as any Python class
 * does; with their __dict__ managed by the interpreter (3.11+), a method
 * call on them is specialised, which a __dict__ of this type's own would
 * prevent. */
typedef struct {
    PyObject_HEAD
    PyObject *data;
    PyObject *remove;
} Container;

static PyMemberDef container_members[] = {
    {"data", T_OBJECT_EX, offsetof(Container, data), 0,
     "The underlying dict or set."},
    {"_remove", T_OBJECT_EX, offsetof(Container, remove), 0,
     "The callback of the references in data."},
    {NULL, 0, 0, 0, NULL}
};

/* The six member descriptors above, as each base type got them. */
static PyObject *slot_descriptors[6];

static int
is_core_base(PyTypeObject *type)
{
    return type == &base_types[VALUE_DICT] || type == &base_types[KEY_DICT]
        || type == &base_types[WEAK_SET];
}

/* self.data or self._remove (*name*), a new reference. Read from the slot
 * where that is what Python would read: on the public classes, and on any
 * subclass where the name still finds one of our slots; else (a subclass
 * that defines a property of that name, say) as Python looks it up. */
static PyObject *
container_attr(PyObject *self, PyObject *name)
{
    PyTypeObject *type = Py_TYPE(self);
    int ours = is_core_base(type->tp_base);
    if (!ours) {
        PyObject *found = _PyType_Lookup(type, name);
        int i;
        for (i = 0; i < 6 && !ours; i++)
            ours = found == slot_descriptors[i];
    }
    if (ours) {
        int is_data = name == str_data;
#ifdef Py_GIL_DISABLED
        /* Another thread may assign the slot meanwhile: read it as the
         * interpreter reads a slot, safely. */
        return PyMember_GetOne((const char *)self,
                               &container_members[is_data ? 0 : 1]);
#else
        PyObject *value = is_data ? ((Container *)self)->data
                                  : ((Container *)self)->remove;
        if (value != NULL)
            return Py_NewRef(value);
        /* Unset (deleted, or __init__ never ran): the slot's own error. */
#endif
    }
    return PyObject_GetAttr(self, name);
}

/* self.data and self._remove, in that order, as new references. 0, or -1
 * with neither. */
static int
data_and_remove(PyObject *self, PyObject **data, PyObject **remove)
{
    *remove = NULL;
    *data = container_attr(self, str_data);
    if (*data == NULL)
        return -1;
    *remove = container_attr(self, str_remove_attr);
    if (*remove == NULL) {
        Py_CLEAR(*data);
        return -1;
    }
    return 0;
}

/* raise KeyError(key), one argument whatever key is (a tuple too). */
static void
set_key_error(PyObject *key)
{
    PyObject *error = PyObject_CallOneArg(PyExc_KeyError, key);
    if (error != NULL) {
        PyErr_SetObject(PyExc_KeyError, error);
        Py_DECREF(error);
    }
}

/* wr() as the twin calls it: 1 and a new reference to what it returned,
 * 0 when that is None (dead), -1 on error. The interpreter's ref and
 * KeyedRef are read directly; anything else stored in "data" is called. */
static int
call_ref(PyObject *wr, PyObject **referent)
{
    PyObject *result;
    if (Py_TYPE(wr) == keyed_ref_type || PyWeakref_CheckRefExact(wr))
        return bw_referent(wr, referent);
    result = PyObject_CallNoArgs(wr);
    if (result == NULL) {
        *referent = NULL;
        return -1;
    }
    if (result == Py_None) {
        Py_DECREF(result);
        *referent = NULL;
        return 0;
    }
    *referent = result;
    return 1;
}

/* The twin's ref.__new__(KeyedRef, value, callback) and wr.key = key: a
 * KeyedRef without its Python-level __new__ and __init__. */
#ifndef Py_GIL_DISABLED
/* The (value, callback) argument tuple of ref's __new__, kept for the next
 * call: a tuple per store costs a tenth of the store. ref's __new__ only
 * reads its arguments; the tuple is reused only while this module holds
 * the one reference to it, as CPython's own iterators reuse their result
 * tuples, and holds None between calls. */
static PyObject *ref_new_arguments;
#endif

static PyObject *
new_keyed_ref(PyObject *value, PyObject *callback, PyObject *key)
{
    PyObject *args, *wr;
#ifndef Py_GIL_DISABLED
    args = ref_new_arguments;
    if (args != NULL && Py_REFCNT(args) == 1) {
        ref_new_arguments = NULL;   /* a nested call makes its own */
        PyTuple_SET_ITEM(args, 0, Py_NewRef(value));
        PyTuple_SET_ITEM(args, 1, Py_NewRef(callback));
        wr = _PyWeakref_RefType.tp_new(keyed_ref_type, args, NULL);
        /* Give back what it held before the tuple is kept again. */
        Py_SETREF(((PyTupleObject *)args)->ob_item[0], Py_NewRef(Py_None));
        Py_SETREF(((PyTupleObject *)args)->ob_item[1], Py_NewRef(Py_None));
        if (ref_new_arguments == NULL)
            ref_new_arguments = args;
        else
            Py_DECREF(args);
    }
    else
#endif
    {
        args = PyTuple_Pack(2, value, callback);
        if (args == NULL)
            return NULL;
        wr = _PyWeakref_RefType.tp_new(keyed_ref_type, args, NULL);
        Py_DECREF(args);
    }
    if (wr != NULL
            && Py_TYPE(keyed_ref_key)->tp_descr_set(keyed_ref_key, wr,
                                                    key) < 0)
        Py_CLEAR(wr);
    return wr;
}

/* wr.key, for the callback. */
static PyObject *
keyed_ref_key_of(PyObject *wr)
{
    if (Py_TYPE(wr) == keyed_ref_type)
        return Py_TYPE(keyed_ref_key)->tp_descr_get(
            keyed_ref_key, wr, (PyObject *)keyed_ref_type);
    return PyObject_GetAttr(wr, str_key);
}

/* data[key] = value, data.__delitem__, len(data), key in data. */
static int
data_set(PyObject *data, PyObject *key, PyObject *value)
{
    if (PyDict_CheckExact(data))
        return PyDict_SetItem(data, key, value);
    return PyObject_SetItem(data, key, value);
}

static Py_ssize_t
data_len(PyObject *data)
{
    if (PyDict_CheckExact(data))
        return PyDict_GET_SIZE(data);
    if (PyAnySet_CheckExact(data))
        return PySet_GET_SIZE(data);
    return PyObject_Size(data);
}

/* data[key] as the twin's subscript: 1 and a new reference, 0 with
 * KeyError raised by data, -1 on any other error. */
static int
data_subscript(PyObject *data, PyObject *key, PyObject **value)
{
    if (PyDict_CheckExact(data)) {
        int found = PyDict_GetItemRef(data, key, value);
        if (found == 0)
            set_key_error(key);
        return found > 0 ? 1 : (found == 0 ? 0 : -1);
    }
    *value = PyObject_GetItem(data, key);
    if (*value != NULL)
        return 1;
    return PyErr_ExceptionMatches(PyExc_KeyError) ? 0 : -1;
}

/* A copy of a dict "data" to walk with PyDict_Next (exact dicts: private to
 * the caller), or NULL with *pairs set to an iterator over the items of
 * data.copy() (anything else, as the twin's dict.items(data.copy())), or
 * NULL and both NULL on error. */
static PyObject *
dict_snapshot(PyObject *data, PyObject **pairs)
{
    PyObject *copy, *items;
    *pairs = NULL;
    if (PyDict_CheckExact(data))
        return PyDict_Copy(data);
    copy = PyObject_CallMethodObjArgs(data, str_copy, NULL);
    if (copy == NULL)
        return NULL;
    items = PyObject_CallOneArg(dict_items, copy);
    Py_DECREF(copy);
    if (items == NULL)
        return NULL;
    *pairs = PyObject_GetIter(items);
    Py_DECREF(items);
    return NULL;
}

/* The next (key, value) of a snapshot from dict_snapshot: 1 with new
 * references, 0 at the end, -1 on error. */
static int
snapshot_next(PyObject *copy, PyObject *pairs, Py_ssize_t *pos,
              PyObject **key, PyObject **value)
{
    PyObject *item;
    int error;
    if (copy != NULL) {
        if (!PyDict_Next(copy, pos, key, value))
            return 0;
        Py_INCREF(*key);
        Py_INCREF(*value);
        return 1;
    }
    item = PyIter_Next(pairs);
    if (item == NULL)
        return PyErr_Occurred() ? -1 : 0;
    error = unpack_pair(item, key, value);
    Py_DECREF(item);
    return error < 0 ? -1 : 1;
}

/* An iterator over the pairs of *other*, as the twin's _pairs(other): its
 * items(), or those of dict(other) when it has none; NULL with no error for
 * None. */
static PyObject *
pairs_of(PyObject *other, int *error)
{
    PyObject *items_method, *items, *iterator;
    *error = 0;
    if (other == Py_None)
        return NULL;
    items_method = PyObject_GetAttr(other, str_items);
    if (items_method == NULL) {
        PyObject *as_dict;
        /* hasattr(): Python 3's catches AttributeError alone, Python 2's
         * any Exception. */
#ifdef BW_PY2
        if (!PyErr_ExceptionMatches(PyExc_Exception))
#else
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
#endif
        {
            *error = 1;
            return NULL;
        }
        PyErr_Clear();
        as_dict = PyObject_CallOneArg((PyObject *)&PyDict_Type, other);
        if (as_dict == NULL) {
            *error = 1;
            return NULL;
        }
        items_method = PyObject_GetAttr(as_dict, str_items);
        Py_DECREF(as_dict);
        if (items_method == NULL) {
            *error = 1;
            return NULL;
        }
    }
    items = PyObject_CallNoArgs(items_method);
    Py_DECREF(items_method);
    if (items == NULL) {
        *error = 1;
        return NULL;
    }
    iterator = PyObject_GetIter(items);
    Py_DECREF(items);
    if (iterator == NULL)
        *error = 1;
    return iterator;
}

/* len(self.data), every kind's. */
static Py_ssize_t
container_length(PyObject *self)
{
    Py_ssize_t n;
    PyObject *data = container_attr(self, str_data);
    if (data == NULL)
        return -1;
    n = data_len(data);
    Py_DECREF(data);
    return n;
}

static int
container_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((Container *)self)->data);
    Py_VISIT(((Container *)self)->remove);
    return 0;
}

static int
container_clear(PyObject *self)
{
    Py_CLEAR(((Container *)self)->data);
    Py_CLEAR(((Container *)self)->remove);
    return 0;
}

static void
container_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    container_clear(self);
    Py_TYPE(self)->tp_free(self);
}

/* -- the removal callback --------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *container;    /* a weak reference to the container */
    int kind;               /* the container's */
} Remover;

/* _init_entries(): self._remove = <a Remover>, self.data = <an empty dict
 * or set>, in the twin's order. */
static PyObject *
init_entries(PyObject *self, PyObject *unused)
{
    Remover *remover;
    int failed, kind = kind_of(self);
    PyObject *data = kind == WEAK_SET ? PySet_New(NULL) : PyDict_New();
    (void)unused;
    if (data == NULL)
        return NULL;
    remover = PyObject_GC_New(Remover, &Remover_Type);
    if (remover == NULL) {
        Py_DECREF(data);
        return NULL;
    }
    remover->kind = kind;
    remover->container = PyWeakref_NewRef(self, NULL);
    if (remover->container == NULL) {
        /* Untracked, and no container to visit: freed as it is. */
        PyObject_GC_Del(remover);
        Py_DECREF(data);
        return NULL;
    }
    PyObject_GC_Track(remover);
    if (kind == VALUE_DICT)
        failed = PyObject_SetAttr(self, str_remove_attr, (PyObject *)remover)
            < 0 || PyObject_SetAttr(self, str_data, data) < 0;
    else
        failed = PyObject_SetAttr(self, str_data, data) < 0
            || PyObject_SetAttr(self, str_remove_attr, (PyObject *)remover)
            < 0;
    Py_DECREF(remover);
    Py_DECREF(data);
    if (failed)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
remover_call(PyObject *op, PyObject *args, PyObject *kwargs)
{
    Remover *self = (Remover *)op;
    PyObject *wr, *container, *data, *result = NULL;
    int alive;
    if (kwargs != NULL && PyDict_Size(kwargs) > 0) {
        PyErr_SetString(PyExc_TypeError,
                        "_remove() takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_UnpackTuple(args, "_remove", 1, 1, &wr))
        return NULL;
    alive = PyWeakref_GetRef(self->container, &container);
    if (alive <= 0)
        return alive < 0 ? NULL : Py_NewRef(Py_None);
    data = container_attr(container, str_data);
    Py_DECREF(container);
    if (data == NULL)
        return NULL;
    if (self->kind == VALUE_DICT) {
        /* Only while the entry under wr.key is dead: a newer value stored
         * under the same key survives (bpo-28427). */
        PyObject *key = keyed_ref_key_of(wr);
        if (key != NULL) {
            result = bw_call_two(remove_dead_weakref, data, key);
            Py_DECREF(key);
        }
    }
    else if (self->kind == KEY_DICT) {
        /* Already gone when deleted explicitly: no error (bpo-44962). */
        int failed = PyDict_CheckExact(data) ? PyDict_DelItem(data, wr)
                                             : PyObject_DelItem(data, wr);
        if (failed < 0 && PyErr_ExceptionMatches(PyExc_KeyError))
            PyErr_Clear();
        else if (failed < 0) {
            Py_DECREF(data);
            return NULL;
        }
        result = Py_NewRef(Py_None);
    }
    else if (PySet_CheckExact(data)) {
        result = PySet_Discard(data, wr) < 0 ? NULL : Py_NewRef(Py_None);
    }
    else {
        result = PyObject_CallMethodObjArgs(data, str_discard, wr, NULL);
    }
    Py_DECREF(data);
    return result;
}

/* The twin's _remove is a function whose default binds the container's
 * ref, with no closure: code that checks for a closure (CPython's
 * test_remove_closure) finds none here either. */
static PyObject *
remover_closure(PyObject *self, void *context)
{
    (void)self;
    (void)context;
    Py_RETURN_NONE;
}

static PyGetSetDef remover_getset[] = {
    {"__closure__", remover_closure, NULL,
     PyDoc_STR("None: the container is held by a weak reference alone."),
     NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static int
remover_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((Remover *)self)->container);
    return 0;
}

static int
remover_clear(PyObject *self)
{
    Py_CLEAR(((Remover *)self)->container);
    return 0;
}

static void
remover_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    Py_CLEAR(((Remover *)self)->container);
    PyObject_GC_Del(self);
}

static PyTypeObject Remover_Type =
    TYPE_HEAD("Remover", sizeof(Remover), remover_dealloc);

/* -- snapshot iterators --------------------------------------------------------- */

/* What an iterator yields: 3 * the container's kind + one of these (a
 * set's members count as its keys). */
enum { YIELDS_KEYS, YIELDS_VALUES, YIELDS_ITEMS };
enum {
    VALUE_DICT_KEYS = 3 * VALUE_DICT + YIELDS_KEYS,
    VALUE_DICT_VALUES = 3 * VALUE_DICT + YIELDS_VALUES,
    VALUE_DICT_ITEMS = 3 * VALUE_DICT + YIELDS_ITEMS,
    KEY_DICT_KEYS = 3 * KEY_DICT + YIELDS_KEYS,
    KEY_DICT_VALUES = 3 * KEY_DICT + YIELDS_VALUES,
    KEY_DICT_ITEMS = 3 * KEY_DICT + YIELDS_ITEMS,
    SET_MEMBERS = 3 * WEAK_SET + YIELDS_KEYS
};

typedef struct {
    PyObject_HEAD
    /* Held until the loop ends, as the twin's generator frame holds self;
     * the snapshot is taken at the first next(), as the generator's body
     * runs then. */
    PyObject *container;
    PyObject *list;         /* a list snapshot, */
    PyObject *copy;         /* or a private dict copy, */
    PyObject *pairs;        /* or an iterator over a copy's items() */
    Py_ssize_t position;
    int kind;
    int started;
} SnapshotIterator;

static PyObject *
new_iterator(PyObject *container, int kind)
{
    SnapshotIterator *it = PyObject_GC_New(SnapshotIterator,
                                           &SnapshotIterator_Type);
    if (it == NULL)
        return NULL;
    it->container = Py_NewRef(container);
    it->list = it->copy = it->pairs = NULL;
    it->position = 0;
    it->kind = kind;
    it->started = 0;
    PyObject_GC_Track(it);
    return (PyObject *)it;
}

/* iter(self), every kind's: its keys, or its members. */
static PyObject *
container_iter(PyObject *self)
{
    return new_iterator(self, 3 * kind_of(self) + YIELDS_KEYS);
}

/* keys(), values() and items() of either dict: NAME_iterator, the method
 * NAME, an iterator that *yields* keys, values or items. */
#define ITERATOR_METHOD(name, yields)                                         \
    static PyObject *                                                         \
    name##_iterator_impl(PyObject *self, PyObject *const *args,               \
                         Py_ssize_t nargs)                                    \
    {                                                                         \
        (void)args;                                                           \
        (void)nargs;                                                          \
        return new_iterator(self, 3 * kind_of(self) + (yields));              \
    }                                                                         \
    BW_METHOD(name##_iterator, name##_iterator_impl, 0, 0, #name)

ITERATOR_METHOD(keys, YIELDS_KEYS)
ITERATOR_METHOD(values, YIELDS_VALUES)
ITERATOR_METHOD(items, YIELDS_ITEMS)

static void
iterator_finish(SnapshotIterator *it)
{
    Py_CLEAR(it->container);
    Py_CLEAR(it->list);
    Py_CLEAR(it->copy);
    Py_CLEAR(it->pairs);
}

/* Take the snapshot the twin's generator takes first. 0 or -1. */
static int
iterator_start(SnapshotIterator *it)
{
    PyObject *data = container_attr(it->container, str_data);
    if (data == NULL)
        return -1;
    switch (it->kind) {
    case VALUE_DICT_VALUES:
        /* list(dict.values(data)) */
        if (PyDict_Check(data))
            it->list = PyDict_Values(data);
        else {
            PyObject *values = PyObject_CallOneArg(dict_values, data);
            if (values != NULL) {
                it->list = PySequence_List(values);
                Py_DECREF(values);
            }
        }
        break;
    case KEY_DICT_KEYS:
    case SET_MEMBERS:
        /* list(data) */
        it->list = PyDict_CheckExact(data) ? PyDict_Keys(data)
                                           : PySequence_List(data);
        break;
    default:
        /* dict.items(data.copy()) */
        it->copy = dict_snapshot(data, &it->pairs);
        if (it->copy == NULL && it->pairs == NULL) {
            Py_DECREF(data);
            return -1;
        }
        Py_DECREF(data);
        return 0;
    }
    Py_DECREF(data);
    return it->list == NULL ? -1 : 0;
}

static PyObject *
iterator_next_locked(SnapshotIterator *it)
{
    PyObject *key, *value, *referent, *result;
    int alive, got;
    if (it->container == NULL)
        return NULL;    /* finished: StopIteration */
    if (!it->started) {
        it->started = 1;
        if (iterator_start(it) < 0) {
            iterator_finish(it);
            return NULL;
        }
    }
    if (it->list != NULL) {
        while (it->position < PyList_GET_SIZE(it->list)) {
            PyObject *wr = PyList_GET_ITEM(it->list, it->position++);
            Py_INCREF(wr);
            alive = call_ref(wr, &referent);
            Py_DECREF(wr);
            if (alive < 0)
                goto error;
            if (alive)
                return referent;
        }
        iterator_finish(it);
        return NULL;
    }
    while ((got = snapshot_next(it->copy, it->pairs, &it->position, &key,
                                &value)) > 0) {
        PyObject *wr = it->kind >= KEY_DICT_KEYS ? key : value;
        alive = call_ref(wr, &referent);
        if (alive <= 0) {
            Py_DECREF(key);
            Py_DECREF(value);
            if (alive < 0)
                goto error;
            continue;
        }
        switch (it->kind) {
        case VALUE_DICT_KEYS:
            Py_DECREF(value);
            Py_DECREF(referent);
            return key;
        case VALUE_DICT_ITEMS:
            result = PyTuple_Pack(2, key, referent);
            break;
        case KEY_DICT_ITEMS:
            result = PyTuple_Pack(2, referent, value);
            break;
        default:    /* KEY_DICT_VALUES */
            Py_DECREF(key);
            Py_DECREF(referent);
            return value;
        }
        Py_DECREF(key);
        Py_DECREF(value);
        Py_DECREF(referent);
        if (result == NULL)
            goto error;
        return result;
    }
    if (got < 0)
        goto error;
    iterator_finish(it);
    return NULL;
error:
    /* As a generator that raised: finished. */
    iterator_finish(it);
    return NULL;
}

static PyObject *
iterator_next(PyObject *self)
{
    PyObject *result;
    Py_BEGIN_CRITICAL_SECTION(self);
    result = iterator_next_locked((SnapshotIterator *)self);
    Py_END_CRITICAL_SECTION();
    return result;
}

static int
iterator_traverse(PyObject *self, visitproc visit, void *arg)
{
    SnapshotIterator *it = (SnapshotIterator *)self;
    Py_VISIT(it->container);
    Py_VISIT(it->list);
    Py_VISIT(it->copy);
    Py_VISIT(it->pairs);
    return 0;
}

static int
iterator_clear(PyObject *self)
{
    iterator_finish((SnapshotIterator *)self);
    return 0;
}

static void
iterator_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    iterator_finish((SnapshotIterator *)self);
    PyObject_GC_Del(self);
}

static PyTypeObject SnapshotIterator_Type =
    TYPE_HEAD("SnapshotIterator", sizeof(SnapshotIterator),
              iterator_dealloc);

/* -- WeakValueDictionaryBase ---------------------------------------------------- */

static PyObject *
value_dict_subscript(PyObject *self, PyObject *key)
{
    PyObject *data, *wr, *referent;
    int found, alive;
    data = container_attr(self, str_data);
    if (data == NULL)
        return NULL;
    found = data_subscript(data, key, &wr);
    Py_DECREF(data);
    if (found <= 0)
        return NULL;
    alive = call_ref(wr, &referent);
    Py_DECREF(wr);
    if (alive == 0)
        set_key_error(key);
    return referent;
}

/* Whether data[key] is already what self[key] = value would store: a
 * KeyedRef of the interpreter's own type, to value itself, carrying key
 * itself, with the container's current _remove as its callback. The twin
 * replaces it with a new one alike; here it stays (the one difference: the
 * object valuerefs() shows). Exact dicts only; 1, else 0, -1 on error.
 * Every reference read is strong (3.13t). */
static int
keeps_entry(PyObject *data, PyObject *key, PyObject *value, PyObject *remove)
{
    PyObject *wr, *referent, *wr_key;
    int same = 0;
    if (!PyDict_CheckExact(data))
        return 0;
    same = PyDict_GetItemRef(data, key, &wr);
    if (same <= 0)
        return same;
    same = 0;
    if (Py_TYPE(wr) == keyed_ref_type && bw_referent(wr, &referent) > 0) {
        /* referent held: the callback stays (see bw_ref_callback). */
        same = referent == value && bw_ref_callback(wr) == remove;
        Py_DECREF(referent);
    }
    if (same) {
        wr_key = keyed_ref_key_of(wr);
        same = wr_key == key;
        if (wr_key == NULL) {
            /* Its key deleted (del wr.key): not ours to keep. */
            if (PyErr_ExceptionMatches(PyExc_AttributeError))
                PyErr_Clear();
            else
                same = -1;
        }
        Py_XDECREF(wr_key);
    }
    Py_DECREF(wr);
    return same;
}

static int
value_dict_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    PyObject *data, *remove, *wr;
    int result;
    if (value == NULL) {
        data = container_attr(self, str_data);
        if (data == NULL)
            return -1;
        result = PyDict_CheckExact(data) ? PyDict_DelItem(data, key)
                                         : PyObject_DelItem(data, key);
        Py_DECREF(data);
        return result;
    }
    /* The twin makes the reference, then reads data. Where the reference
     * can be made (else its TypeError comes first, as the twin's), data is
     * read first here, to look for an entry to keep; making a ref runs no
     * code that could tell. So is the key looked up, where a second lookup
     * (the store) runs no code of its own. */
    remove = container_attr(self, str_remove_attr);
    if (remove == NULL)
        return -1;
    data = NULL;
    if (PyType_SUPPORTS_WEAKREFS(Py_TYPE(value)) && bw_key_is_plain(key)) {
        data = container_attr(self, str_data);
        result = data == NULL ? -1 : keeps_entry(data, key, value, remove);
        if (result != 0) {
            Py_DECREF(remove);
            Py_XDECREF(data);
            return result < 0 ? -1 : 0;
        }
    }
    wr = new_keyed_ref(value, remove, key);
    Py_DECREF(remove);
    if (wr == NULL) {
        Py_XDECREF(data);
        return -1;
    }
    if (data == NULL && (data = container_attr(self, str_data)) == NULL) {
        Py_DECREF(wr);
        return -1;
    }
    result = data_set(data, key, wr);
    Py_DECREF(wr);
    Py_DECREF(data);
    return result;
}

/* The twin's data.get(key) (data[key], on 3.13t, where dict.get locks the
 * dict: _compat.DICT_GET_IS_SLOW_FROM_OTHER_THREADS): 1 and a new reference
 * when found, 0 when absent, -1 on error. Exact dicts need neither. */
static int
data_get(PyObject *data, PyObject *key, PyObject **value)
{
    if (PyDict_CheckExact(data))
        return PyDict_GetItemRef(data, key, value);
#if defined(Py_GIL_DISABLED) && PY_VERSION_HEX < 0x030E0000
    {
        int found = data_subscript(data, key, value);
        if (found == 0)
            PyErr_Clear();
        return found;
    }
#else
    *value = PyObject_CallMethodObjArgs(data, str_get, key, NULL);
    if (*value == NULL)
        return -1;
    if (*value == Py_None) {
        Py_CLEAR(*value);
        return 0;
    }
    return 1;
#endif
}

/* The live value under *key*: 1 and a new reference, 0 when absent or
 * dead, -1 on error. */
static int
value_dict_lookup(PyObject *self, PyObject *key, PyObject **referent)
{
    PyObject *data, *wr;
    int found, alive;
    *referent = NULL;
    data = container_attr(self, str_data);
    if (data == NULL)
        return -1;
    found = data_get(data, key, &wr);
    Py_DECREF(data);
    if (found <= 0)
        return found;
    alive = call_ref(wr, referent);
    Py_DECREF(wr);
    return alive;
}

static int
value_dict_contains(PyObject *self, PyObject *key)
{
    PyObject *referent;
    int alive = value_dict_lookup(self, key, &referent);
    Py_XDECREF(referent);
    return alive;
}

static PyObject *
value_dict_get_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *referent;
    int alive = value_dict_lookup(self, args[0], &referent);
    if (alive < 0)
        return NULL;
    if (alive)
        return referent;
    return Py_NewRef(nargs > 1 ? args[1] : Py_None);
}

static PyObject *
value_dict_pop_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *key = args[0], *data, *wr, *referent = NULL;
    int found, alive = 0;
    data = container_attr(self, str_data);
    if (data == NULL)
        return NULL;
    /* dict.pop(data, key)(), any KeyError meaning "absent" (bpo-19542: so
     * does a dead entry whose callback is still to come). */
    if (PyDict_Check(data))
        found = bw_dict_pop(data, key, &wr, dict_pop, absent);
    else {
        wr = bw_call_two(dict_pop, data, key);
        found = wr == NULL ? -1 : 1;
    }
    Py_DECREF(data);
    if (found > 0) {
        alive = call_ref(wr, &referent);
        Py_DECREF(wr);
    }
    if (found < 0 || alive < 0) {
        if (!PyErr_ExceptionMatches(PyExc_KeyError))
            return NULL;
        PyErr_Clear();
        alive = 0;
    }
    if (alive)
        return referent;
    if (nargs > 1)
        return Py_NewRef(args[1]);
    set_key_error(key);
    return NULL;
}

static PyObject *
value_dict_setdefault_impl(PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs)
{
    PyObject *key = args[0], *deflt = nargs > 1 ? args[1] : Py_None;
    PyObject *data, *wr, *referent, *remove;
    int found, alive, failed;
    /* try: o = data[key]() except KeyError: o = None */
    data = container_attr(self, str_data);
    if (data == NULL)
        return NULL;
    found = data_subscript(data, key, &wr);
    Py_DECREF(data);
    if (found > 0) {
        alive = call_ref(wr, &referent);
        Py_DECREF(wr);
        if (alive > 0)
            return referent;
        if (alive < 0 && !PyErr_ExceptionMatches(PyExc_KeyError))
            return NULL;
    }
    else if (found < 0)
        return NULL;
    PyErr_Clear();
    /* Absent or dead (bpo-19542): store the default. */
    if (data_and_remove(self, &data, &remove) < 0)
        return NULL;
    wr = new_keyed_ref(deflt, remove, key);
    Py_DECREF(remove);
    if (wr == NULL) {
        Py_DECREF(data);
        return NULL;
    }
    failed = data_set(data, key, wr);
    Py_DECREF(wr);
    Py_DECREF(data);
    return failed < 0 ? NULL : Py_NewRef(deflt);
}

/* -- WeakKeyDictionaryBase -------------------------------------------------------- */

/* What a lookup in a dict or set of refs needs of ref(key), without a ref:
 * the key's hash, and equality with each ref met, as ref's own == has it
 * (the stored ref's referent == key, so the key's __eq__ runs exactly as
 * often as with the twin's new ref; a dead ref equals nothing but itself).
 * A plain allocation, with no list of weak references to lock, link and
 * unlink. Only exact dicts and sets see it, whose entries are our refs: it
 * reaches no Python code (unless someone stored a ref subclass with an
 * __eq__ of its own in data), nor an error message (those get a ref, as
 * the twin's). A ref that already exists is never used in its place: the
 * dict would find it by identity and skip the __eq__ that CPython's own
 * test_weak_keyed_cascading_deletes counts. */
typedef struct {
    PyObject_HEAD
    PyObject *key;
    Py_hash_t hash;     /* -1 until asked, as a ref's */
} LookupKey;

static Py_hash_t
lookup_key_hash(PyObject *self)
{
    LookupKey *probe = (LookupKey *)self;
    if (probe->hash == -1)
        probe->hash = PyObject_Hash(probe->key);
    return probe->hash;
}

static PyObject *
lookup_key_richcompare(PyObject *self, PyObject *other, int op)
{
    PyObject *referent, *result;
    int alive;
    if ((op != Py_EQ && op != Py_NE) || !PyWeakref_CheckRef(other))
        Py_RETURN_NOTIMPLEMENTED;
    alive = PyWeakref_GetRef(other, &referent);
    if (alive < 0)
        return NULL;
    if (alive == 0)
        return Py_NewRef(op == Py_EQ ? Py_False : Py_True);
    /* The stored ref's referent first, as ref.__eq__(stored, looked up). */
    result = PyObject_RichCompare(referent, ((LookupKey *)self)->key, op);
    Py_DECREF(referent);
    return result;
}

static void
lookup_key_dealloc(PyObject *self)
{
    Py_DECREF(((LookupKey *)self)->key);
    PyObject_Free(self);
}

static PyTypeObject LookupKey_Type =
    TYPE_HEAD("LookupKey", sizeof(LookupKey), lookup_key_dealloc);

/* What to look *key* up with in *data*: for an exact dict or set, a
 * LookupKey, else a new ref. NULL with TypeError where the key cannot be weakly referenced. */
static PyObject *
lookup_key(PyObject *key, PyObject *data)
{
    LookupKey *probe;
    if (!PyType_SUPPORTS_WEAKREFS(Py_TYPE(key))
            || !(PyDict_CheckExact(data) || PyAnySet_CheckExact(data)))
        return PyWeakref_NewRef(key, NULL);   /* or ref()'s own TypeError */
    probe = PyObject_New(LookupKey, &LookupKey_Type);
    if (probe == NULL)
        return NULL;
    probe->key = Py_NewRef(key);
    probe->hash = -1;
    return (PyObject *)probe;
}

/* raise KeyError(ref(key)), as the twin's dict or set does when what it
 * looked up with was no ref. */
static void
key_error_for(PyObject *looked_up, PyObject *key)
{
    PyObject *wr;
    if (Py_TYPE(looked_up) != &LookupKey_Type) {
        set_key_error(looked_up);
        return;
    }
    wr = PyWeakref_NewRef(key, NULL);
    if (wr != NULL) {
        set_key_error(wr);
        Py_DECREF(wr);
    }
}

/* data and ref(key) (the twin reads data first, then makes the ref; with
 * the container's _remove as callback when *with_callback*). 0 or -1. */
static int
data_and_key_ref(PyObject *self, PyObject *key, int with_callback,
                 PyObject **data, PyObject **wr)
{
    PyObject *remove = NULL;
    *wr = NULL;
    *data = container_attr(self, str_data);
    if (*data == NULL)
        return -1;
    if (with_callback) {
        remove = container_attr(self, str_remove_attr);
        if (remove == NULL) {
            Py_CLEAR(*data);
            return -1;
        }
    }
    *wr = with_callback ? PyWeakref_NewRef(key, remove)
                        : lookup_key(key, *data);
    Py_XDECREF(remove);
    if (*wr == NULL) {
        Py_CLEAR(*data);
        return -1;
    }
    return 0;
}

static PyObject *
key_dict_subscript(PyObject *self, PyObject *key)
{
    PyObject *data, *wr, *value;
    int found;
    if (data_and_key_ref(self, key, 0, &data, &wr) < 0)
        return NULL;
    if (PyDict_CheckExact(data)) {
        found = PyDict_GetItemRef(data, wr, &value);
        if (found == 0)
            key_error_for(wr, key);
    }
    else
        found = data_subscript(data, wr, &value);
    Py_DECREF(wr);
    Py_DECREF(data);
    return found > 0 ? value : NULL;
}

static int
key_dict_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    PyObject *data, *wr;
    int result;
    if (data_and_key_ref(self, key, value != NULL, &data, &wr) < 0)
        return -1;
    if (value == NULL && PyDict_CheckExact(data)) {
        result = PyDict_DelItem(data, wr);
        if (result < 0 && Py_TYPE(wr) == &LookupKey_Type
                && PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            key_error_for(wr, key);
        }
    }
    else if (value == NULL)
        result = PyObject_DelItem(data, wr);
    else
        result = data_set(data, wr, value);
    Py_DECREF(wr);
    Py_DECREF(data);
    return result;
}

static int
key_dict_contains(PyObject *self, PyObject *key)
{
    PyObject *data, *wr;
    int result;
    /* The twin makes the ref first: a key that cannot be weakly
     * referenced is not in it, whatever data is. */
    if (!PyType_SUPPORTS_WEAKREFS(Py_TYPE(key))) {
        wr = PyWeakref_NewRef(key, NULL);
        if (wr != NULL) {    /* (it could, after all) */
            Py_DECREF(wr);
        }
        else if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            return 0;
        }
        else
            return -1;
    }
    data = container_attr(self, str_data);
    if (data == NULL)
        return -1;
    wr = lookup_key(key, data);
    if (wr == NULL) {
        Py_DECREF(data);
        if (!PyErr_ExceptionMatches(PyExc_TypeError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    if (PyDict_CheckExact(data))
        result = PyDict_Contains(data, wr);
    else if (PyAnySet_CheckExact(data))
        result = PySet_Contains(data, wr);
    else
        result = PySequence_Contains(data, wr);
    Py_DECREF(wr);
    Py_DECREF(data);
    return result;
}

static PyObject *
key_dict_get_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *data, *wr, *value, *deflt = nargs > 1 ? args[1] : Py_None;
    int found;
    if (data_and_key_ref(self, args[0], 0, &data, &wr) < 0)
        return NULL;
    if (PyDict_CheckExact(data)) {
        found = PyDict_GetItemRef(data, wr, &value);
        if (found == 0)
            value = Py_NewRef(deflt);
    }
    else
        value = PyObject_CallMethodObjArgs(data, str_get, wr, deflt, NULL);
    Py_DECREF(wr);
    Py_DECREF(data);
    return value;
}

static PyObject *
key_dict_pop_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *data, *wr, *value = NULL;
    int found;
    if (data_and_key_ref(self, args[0], 0, &data, &wr) < 0)
        return NULL;
    if (PyDict_CheckExact(data)) {
        found = bw_dict_pop(data, wr, &value, dict_pop, absent);
        if (found == 0) {
            if (nargs > 1)
                value = Py_NewRef(args[1]);
            else
                key_error_for(wr, args[0]);
        }
    }
    else    /* data.pop(wr[, default]): a NULL default ends the arguments */
        value = PyObject_CallMethodObjArgs(data, str_pop, wr,
                                           nargs > 1 ? args[1] : NULL, NULL);
    Py_DECREF(wr);
    Py_DECREF(data);
    return value;
}

static PyObject *
key_dict_setdefault_impl(PyObject *self, PyObject *const *args,
                         Py_ssize_t nargs)
{
    PyObject *data, *wr, *value, *deflt = nargs > 1 ? args[1] : Py_None;
    if (data_and_key_ref(self, args[0], 1, &data, &wr) < 0)
        return NULL;
    if (PyDict_CheckExact(data))
        value = bw_dict_setdefault(data, wr, deflt, dict_setdefault);
    else
        value = PyObject_CallMethodObjArgs(data, str_setdefault, wr, deflt,
                                           NULL);
    Py_DECREF(wr);
    Py_DECREF(data);
    return value;
}

/* -- what the two dicts share ------------------------------------------------- */

/* data[key] = value in a dict of *kind*, as it stores that: a KeyedRef to
 * the value under the key, or the value under a ref to the key; the ref
 * made with the callback *remove*. 0 or -1. */
static int
store_entry(int kind, PyObject *data, PyObject *key, PyObject *value,
            PyObject *remove)
{
    PyObject *wr;
    int failed;
    if (kind == VALUE_DICT) {
        wr = new_keyed_ref(value, remove, key);
        failed = wr == NULL ? -1 : data_set(data, key, wr);
    }
    else {
        wr = PyWeakref_NewRef(key, remove);
        failed = wr == NULL ? -1 : data_set(data, wr, value);
    }
    Py_XDECREF(wr);
    return failed;
}

/* _copy_into(new): each live entry of self stored into new, the same kind
 * of dict. */
static PyObject *
dict_copy_into(PyObject *self, PyObject *new)
{
    int kind = kind_of(self), got, alive;
    PyObject *new_data, *remove, *data, *copy, *pairs, *key, *value;
    Py_ssize_t position = 0;
    if (data_and_remove(new, &new_data, &remove) < 0)
        return NULL;
    data = container_attr(self, str_data);
    if (data == NULL)
        goto error;
    copy = dict_snapshot(data, &pairs);
    Py_DECREF(data);
    if (copy == NULL && pairs == NULL)
        goto error;
    while ((got = snapshot_next(copy, pairs, &position, &key, &value)) > 0) {
        /* The entry's ref gives way to what it refers to. */
        PyObject **wr = kind == KEY_DICT ? &key : &value, *referent;
        alive = call_ref(*wr, &referent);
        Py_SETREF(*wr, referent);
        /* The referent stays held until its new ref is stored: dying in
         * between, it would leave a dead entry that no callback removes,
         * or a callback that meets a ref with no hash. */
        if (alive > 0
                && store_entry(kind, new_data, key, value, remove) < 0)
            alive = -1;
        Py_XDECREF(key);
        Py_XDECREF(value);
        if (alive < 0) {
            got = -1;
            break;
        }
    }
    Py_XDECREF(copy);
    Py_XDECREF(pairs);
    if (got < 0)
        goto error;
    Py_DECREF(new_data);
    Py_DECREF(remove);
    Py_RETURN_NONE;
error:
    Py_DECREF(new_data);
    Py_DECREF(remove);
    return NULL;
}

/* _store_pairs(other): the stores of update(), from the pairs of a
 * mapping, pairs, or None. */
static PyObject *
dict_store_pairs(PyObject *self, PyObject *other)
{
    int kind = kind_of(self);
    PyObject *data, *remove, *pairs, *item;
    int error;
    if (data_and_remove(self, &data, &remove) < 0)
        return NULL;
    pairs = pairs_of(other, &error);
    while (!error && pairs != NULL && (item = PyIter_Next(pairs)) != NULL) {
        PyObject *key, *value;
        error = unpack_pair(item, &key, &value) < 0;
        Py_DECREF(item);
        if (error)
            break;
        /* The pair's objects stay held until their entry is stored: one
         * that only the pair kept alive dies after, its callback then
         * removing the entry, as the twin's does. */
        error = store_entry(kind, data, key, value, remove) < 0;
        Py_DECREF(key);
        Py_DECREF(value);
    }
    if (!error && pairs != NULL && PyErr_Occurred())
        error = 1;
    Py_XDECREF(pairs);
    Py_DECREF(remove);
    Py_DECREF(data);
    if (error)
        return NULL;
    Py_RETURN_NONE;
}

/* -- WeakSetBase ------------------------------------------------------------------ */

/* data.<method>(ref(item)), with _remove as the callback when
 * *with_callback*: add, remove, discard. */
static PyObject *
set_apply(PyObject *self, PyObject *item, int with_callback,
          PyObject *method)
{
    PyObject *data, *wr, *result;
    if (data_and_key_ref(self, item, with_callback, &data, &wr) < 0)
        return NULL;
    if (PySet_CheckExact(data)) {
        int outcome;
        if (method == str_add)
            outcome = PySet_Add(data, wr);
        else {
            outcome = PySet_Discard(data, wr);
            if (outcome == 0 && method == str_remove) {
                key_error_for(wr, item);
                outcome = -1;
            }
        }
        result = outcome < 0 ? NULL : Py_NewRef(Py_None);
    }
    else
        result = PyObject_CallMethodObjArgs(data, method, wr, NULL);
    Py_DECREF(wr);
    Py_DECREF(data);
    return result;
}

static PyObject *
set_add_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)nargs;
    return set_apply(self, args[0], 1, str_add);
}

static PyObject *
set_remove_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)nargs;
    return set_apply(self, args[0], 0, str_remove);
}

static PyObject *
set_discard_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)nargs;
    return set_apply(self, args[0], 0, str_discard);
}

/* Add ref(element, remove) for each element, to data, a set or anything
 * with add(). */
static int
add_refs(PyObject *data, PyObject *remove, PyObject *elements,
         int elements_are_refs)
{
    PyObject *add = NULL, *iterator, *element;
    int error = 0;
    if (!PySet_CheckExact(data)) {
        add = PyObject_GetAttr(data, str_add);
        if (add == NULL)
            return -1;
    }
    iterator = PyObject_GetIter(elements);
    if (iterator == NULL) {
        Py_XDECREF(add);
        return -1;
    }
    while (!error && (element = PyIter_Next(iterator)) != NULL) {
        PyObject *member = element, *wr;
        if (elements_are_refs) {
            /* A snapshot of refs: skip the dead. */
            int alive = call_ref(element, &member);
            Py_DECREF(element);
            if (alive <= 0) {
                error = alive < 0;
                continue;
            }
        }
        wr = PyWeakref_NewRef(member, remove);
        if (wr == NULL) {
            Py_DECREF(member);
            error = 1;
            break;
        }
        /* member stays held until its ref is in the set (as in the copy of
         * a key dict above). */
        if (add == NULL)
            error = PySet_Add(data, wr) < 0;
        else {
            PyObject *result = PyObject_CallOneArg(add, wr);
            error = result == NULL;
            Py_XDECREF(result);
        }
        Py_DECREF(wr);
        Py_DECREF(member);
    }
    if (!error && PyErr_Occurred())
        error = 1;
    Py_DECREF(iterator);
    Py_XDECREF(add);
    return error ? -1 : 0;
}

static PyObject *
set_update_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *other = args[0], *add, *data, *remove;
    int overridden, failed;
    (void)nargs;
    /* As CPython: a subclass's own add() sees every element. */
    add = PyObject_GetAttr((PyObject *)Py_TYPE(self), str_add);
    if (add == NULL)
        return NULL;
    overridden = add != weakset_add;
    Py_DECREF(add);
    if (overridden) {
        PyObject *iterator = PyObject_GetIter(other), *element;
        if (iterator == NULL)
            return NULL;
        while ((element = PyIter_Next(iterator)) != NULL) {
            PyObject *result = PyObject_CallMethodObjArgs(self, str_add,
                                                          element, NULL);
            Py_DECREF(element);
            if (result == NULL)
                break;
            Py_DECREF(result);
        }
        Py_DECREF(iterator);
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    if (data_and_remove(self, &data, &remove) < 0)
        return NULL;
    failed = add_refs(data, remove, other, 0);
    Py_DECREF(remove);
    Py_DECREF(data);
    if (failed < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
set_copy_into(PyObject *self, PyObject *new)
{
    PyObject *new_data, *remove, *data, *snapshot;
    int failed;
    if (data_and_remove(new, &new_data, &remove) < 0)
        return NULL;
    data = container_attr(self, str_data);
    snapshot = data == NULL ? NULL : PySequence_List(data);
    Py_XDECREF(data);
    failed = snapshot == NULL ? -1 : add_refs(new_data, remove, snapshot, 1);
    Py_XDECREF(snapshot);
    Py_DECREF(remove);
    Py_DECREF(new_data);
    if (failed < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* -- the types and the module -------------------------------------------------- */

/* The entries of the methods that take arguments: their implementations
 * above, or the twin's method for other call shapes. */
BW_METHOD(value_dict_get, value_dict_get_impl, 1, 2, "get")
BW_METHOD(value_dict_pop, value_dict_pop_impl, 1, 2, "pop")
BW_METHOD(value_dict_setdefault, value_dict_setdefault_impl, 1, 2,
          "setdefault")
BW_METHOD(key_dict_get, key_dict_get_impl, 1, 2, "get")
BW_METHOD(key_dict_pop, key_dict_pop_impl, 1, 2, "pop")
BW_METHOD(key_dict_setdefault, key_dict_setdefault_impl, 1, 2,
          "setdefault")
BW_METHOD(set_add, set_add_impl, 1, 1, "add")
BW_METHOD(set_remove, set_remove_impl, 1, 1, "remove")
BW_METHOD(set_discard, set_discard_impl, 1, 1, "discard")
BW_METHOD(set_update, set_update_impl, 1, 1, "update")

/* The methods of the three bases: a row a name, with each kind's function
 * and docstring in the order of the kinds; no function, no method. */
typedef struct {
    const char *name;
    int flags;
    PyCFunction function[KINDS];
    const char *doc[KINDS];
} MethodRow;

#define FAST(function) ((PyCFunction)(void (*)(void))(function))

static const MethodRow method_rows[] = {
    {"_init_entries", METH_NOARGS,
     {init_entries, init_entries, init_entries},
     {PyDoc_STR("Give the container its empty data and its _remove."),
      PyDoc_STR("Give the container its empty data and its _remove."),
      PyDoc_STR("Give the set its empty data and its _remove.")}},
    {"get", BW_METHOD_FLAGS, {FAST(value_dict_get), FAST(key_dict_get)},
     {BW_SIGNATURE_DOC("get($self, key, default=None)",
                       "The value under key while it lives, else default."),
      BW_SIGNATURE_DOC("get($self, key, default=None)",
                       "The value under key, else default.")}},
    {"pop", BW_METHOD_FLAGS, {FAST(value_dict_pop), FAST(key_dict_pop)},
     {BW_SIGNATURE_DOC("pop($self, key, *args)",
                       "Remove key; return its live value, else the "
                       "default given, else raise KeyError."),
      BW_SIGNATURE_DOC("pop($self, key, *args)",
                       "Remove key and return its value, else the default "
                       "given, else raise KeyError.")}},
    {"setdefault", BW_METHOD_FLAGS,
     {FAST(value_dict_setdefault), FAST(key_dict_setdefault)},
     {BW_SIGNATURE_DOC("setdefault($self, key, default=None)",
                       "The live value under key; else store default "
                       "there and return it."),
      BW_SIGNATURE_DOC("setdefault($self, key, default=None)",
                       "The value under key; else store default there and "
                       "return it.")}},
    {"keys", BW_METHOD_FLAGS, {FAST(keys_iterator), FAST(keys_iterator)},
     {BW_SIGNATURE_DOC("keys($self)",
                       "Iterate over the keys of the live values, from a "
                       "snapshot taken at the first step."),
      BW_SIGNATURE_DOC("keys($self)",
                       "Iterate over the live keys, from a snapshot taken "
                       "at the first step.")}},
    {"values", BW_METHOD_FLAGS, {FAST(values_iterator), FAST(values_iterator)},
     {BW_SIGNATURE_DOC("values($self)",
                       "Iterate over the live values, from a snapshot "
                       "taken at the first step."),
      BW_SIGNATURE_DOC("values($self)",
                       "Iterate over the values of the live keys, from a "
                       "snapshot taken at the first step.")}},
    {"items", BW_METHOD_FLAGS, {FAST(items_iterator), FAST(items_iterator)},
     {BW_SIGNATURE_DOC("items($self)",
                       "Iterate over (key, value) for the live values, "
                       "from a snapshot taken at the first step."),
      BW_SIGNATURE_DOC("items($self)",
                       "Iterate over (key, value) for the live keys, from a "
                       "snapshot taken at the first step.")}},
    {"add", BW_METHOD_FLAGS, {NULL, NULL, FAST(set_add)},
     {NULL, NULL, BW_SIGNATURE_DOC("add($self, item)", "Add item.")}},
    {"remove", BW_METHOD_FLAGS, {NULL, NULL, FAST(set_remove)},
     {NULL, NULL,
      BW_SIGNATURE_DOC("remove($self, item)",
                       "Remove item; KeyError if it is not a member.")}},
    {"discard", BW_METHOD_FLAGS, {NULL, NULL, FAST(set_discard)},
     {NULL, NULL, BW_SIGNATURE_DOC("discard($self, item)",
                                   "Remove item if it is a member.")}},
    {"update", BW_METHOD_FLAGS, {NULL, NULL, FAST(set_update)},
     {NULL, NULL, BW_SIGNATURE_DOC("update($self, other)",
                                   "Add each element of other.")}},
    {"_copy_into", METH_O, {dict_copy_into, dict_copy_into, set_copy_into},
     {PyDoc_STR("Store each live entry into new, an empty container."),
      PyDoc_STR("Store each live entry into new, an empty container."),
      PyDoc_STR("Add each live member to new, an empty set.")}},
    {"_store_pairs", METH_O, {dict_store_pairs, dict_store_pairs},
     {PyDoc_STR("Store the pairs of other (a mapping, pairs, or None)."),
      PyDoc_STR("Store the pairs of other (a mapping, pairs, or None).")}}
};

#define METHOD_ROWS ((int)(sizeof method_rows / sizeof method_rows[0]))

/* Each base's method table, dealt out of method_rows at initialise(), and
 * ended by the zeroed entries left over. */
static PyMethodDef base_methods[KINDS][METHOD_ROWS + 1];

/* len, [] and in. WeakSetBase has no mapping methods; its "in" is the key
 * dict's: ref(item) in data, alike. */
static PyMappingMethods dict_as_mapping[2] = {
    {container_length, value_dict_subscript, value_dict_ass_subscript},
    {container_length, key_dict_subscript, key_dict_ass_subscript}
};
static PySequenceMethods base_as_sequence[KINDS] = {
    {0, 0, 0, 0, 0, 0, 0, value_dict_contains},
    {0, 0, 0, 0, 0, 0, 0, key_dict_contains},
    {container_length, 0, 0, 0, 0, 0, 0, key_dict_contains}
};

static PyTypeObject base_types[KINDS] = {
    TYPE_HEAD("WeakValueDictionaryBase", sizeof(Container), container_dealloc),
    TYPE_HEAD("WeakKeyDictionaryBase", sizeof(Container), container_dealloc),
    TYPE_HEAD("WeakSetBase", sizeof(Container), container_dealloc)
};

static const char *const base_docs[KINDS] = {
    "The hot paths of WeakValueDictionary, compiled.",
    "The hot paths of WeakKeyDictionary, compiled.",
    "The hot paths of WeakSet, compiled."
};

/* The slots of a type whose objects hold others: GC, its doc. */
static void
fill_gc_type(PyTypeObject *type, const char *doc, traverseproc traverse,
             inquiry clear)
{
    type->tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
    type->tp_doc = doc;
    type->tp_traverse = traverse;
    type->tp_clear = clear;
}

/* The slots of the base of *kind*, and its share of method_rows. */
static void
fill_base(int kind)
{
    PyTypeObject *type = &base_types[kind];
    PyMethodDef *method = base_methods[kind];
    int row;
    for (row = 0; row < METHOD_ROWS; row++) {
        if (method_rows[row].function[kind] == NULL)
            continue;
        method->ml_name = method_rows[row].name;
        method->ml_meth = method_rows[row].function[kind];
        method->ml_flags = method_rows[row].flags;
        method->ml_doc = method_rows[row].doc[kind];
        method++;
    }
    fill_gc_type(type, base_docs[kind], container_traverse, container_clear);
    type->tp_flags |= Py_TPFLAGS_BASETYPE;
    type->tp_methods = base_methods[kind];
    type->tp_as_mapping = kind == WEAK_SET ? NULL : &dict_as_mapping[kind];
    type->tp_as_sequence = &base_as_sequence[kind];
    type->tp_iter = container_iter;
    type->tp_members = container_members;
    type->tp_new = PyType_GenericNew;
    type->tp_free = PyObject_GC_Del;
}

/* Find what the module needs from the interpreter, once per process. */
static int
initialise(void)
{
    PyObject *weakref = NULL, *weakref_c = NULL;
    int kind;
    if (initialised)
        return 0;
    for (kind = 0; kind < KINDS; kind++) {
        fill_base(kind);
        if (PyType_Ready(&base_types[kind]) < 0)
            return -1;
    }
    fill_gc_type(&Remover_Type, "The removal callback of a container's "
                 "references (what the pure twin's _remove function does).",
                 remover_traverse, remover_clear);
    Remover_Type.tp_call = remover_call;
    Remover_Type.tp_getset = remover_getset;
    fill_gc_type(&SnapshotIterator_Type, "An iterator over a container's "
                 "entries, as they were at its first step, skipping the "
                 "dead.", iterator_traverse, iterator_clear);
    SnapshotIterator_Type.tp_iter = PyObject_SelfIter;
    SnapshotIterator_Type.tp_iternext = iterator_next;
    LookupKey_Type.tp_flags = Py_TPFLAGS_DEFAULT;
    LookupKey_Type.tp_doc = "What a lookup finds an entry by, in place of "
        "a weak reference to the key.";
    LookupKey_Type.tp_hash = lookup_key_hash;
    LookupKey_Type.tp_richcompare = lookup_key_richcompare;
    if (PyType_Ready(&LookupKey_Type) < 0
            || PyType_Ready(&Remover_Type) < 0
            || PyType_Ready(&SnapshotIterator_Type) < 0)
        return -1;
#define INTERN(variable, text)                                               \
    if ((variable = BW_InternFromString(text)) == NULL) goto error
    INTERN(str_data, "data");
    INTERN(str_remove_attr, "_remove");
    INTERN(str_key, "key");
    INTERN(str_add, "add");
    INTERN(str_copy, "copy");
    INTERN(str_items, "items");
    INTERN(str_get, "get");
    INTERN(str_pop, "pop");
    INTERN(str_setdefault, "setdefault");
    INTERN(str_discard, "discard");
    INTERN(str_remove, "remove");
#undef INTERN
    weakref = PyImport_ImportModule("weakref");
    weakref_c = PyImport_ImportModule("_weakref");
    if (weakref == NULL || weakref_c == NULL)
        goto error;
    keyed_ref_type = (PyTypeObject *)PyObject_GetAttrString(weakref,
                                                            "KeyedRef");
    if (keyed_ref_type == NULL)
        goto error;
    if (!PyType_Check(keyed_ref_type)
            || !PyType_IsSubtype(keyed_ref_type, &_PyWeakref_RefType)) {
        PyErr_SetString(PyExc_ImportError,
                        "weakref.KeyedRef is not a ref subclass");
        goto error;
    }
    keyed_ref_key = PyObject_GetAttr((PyObject *)keyed_ref_type, str_key);
    if (keyed_ref_key == NULL)
        goto error;
    if (Py_TYPE(keyed_ref_key)->tp_descr_set == NULL
            || Py_TYPE(keyed_ref_key)->tp_descr_get == NULL) {
        PyErr_SetString(PyExc_ImportError,
                        "weakref.KeyedRef.key is not a slot");
        goto error;
    }
    remove_dead_weakref = PyObject_GetAttrString(weakref_c,
                                                 "_remove_dead_weakref");
    dict_pop = PyObject_GetAttrString((PyObject *)&PyDict_Type, "pop");
    dict_setdefault = PyObject_GetAttrString((PyObject *)&PyDict_Type,
                                             "setdefault");
    dict_items = PyObject_GetAttrString((PyObject *)&PyDict_Type,
#ifdef BW_PY2
                                        "iteritems");
#else
                                        "items");
#endif
    dict_values = PyObject_GetAttrString((PyObject *)&PyDict_Type, "values");
    for (kind = 0; kind < KINDS; kind++) {
        PyObject **found = &slot_descriptors[2 * kind];
        /* Borrowed: the types hold them for good. */
        found[0] = _PyType_Lookup(&base_types[kind], str_data);
        found[1] = _PyType_Lookup(&base_types[kind], str_remove_attr);
        if (found[0] == NULL || found[1] == NULL) {
            PyErr_SetString(PyExc_ImportError, "no data/_remove slot");
            goto error;
        }
    }
#ifndef Py_GIL_DISABLED
    ref_new_arguments = PyTuple_Pack(2, Py_None, Py_None);
    if (ref_new_arguments == NULL)
        goto error;
#endif
    weakset_add = PyObject_GetAttr((PyObject *)&base_types[WEAK_SET],
                                   str_add);
    absent = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
    if (remove_dead_weakref == NULL || dict_pop == NULL
            || dict_setdefault == NULL || dict_items == NULL
            || dict_values == NULL || weakset_add == NULL || absent == NULL)
        goto error;
    Py_DECREF(weakref);
    Py_DECREF(weakref_c);
    initialised = 1;
    return 0;
error:
    Py_XDECREF(weakref);
    Py_XDECREF(weakref_c);
    return -1;
}

static int
add_type(PyObject *module, const char *name, PyTypeObject *type)
{
    Py_INCREF(type);
    if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

static int
speedups_exec(PyObject *module)
{
    int kind;
    if (initialise() < 0)
        return -1;
    for (kind = 0; kind < KINDS; kind++) {
        if (add_type(module, kind_names[kind], &base_types[kind]) < 0)
            return -1;
    }
    return PyModule_AddIntConstant(module, "CORE_API", CORE_API);
}

BW_MODULE_INIT(speedups_exec,
               "The compiled core of backports.weakref's containers: the "
               "hot paths of WeakValueDictionary, WeakKeyDictionary and "
               "WeakSet (see _pure.py, their specification).")

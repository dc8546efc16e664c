/* backports.weakref._speedups: the compiled core of the weak containers.
 *
 * Three base types, WeakValueDictionaryBase, WeakKeyDictionaryBase and
 * WeakSetBase, under the public classes of _dicts.py and _weakset.py, with
 * the methods of the twin's bases in _pure.py, which is their
 * specification. The parts live in _speedupslib/, one concern a file:
 *
 *   compat.h      every difference between CPython versions
 *   state.h       the container's layout, the objects found at import, and
 *                 ownership: when the C code may do the work itself
 *   twin.h        handing a call to the twin
 *   remover.h     the removal callback of a container's references
 *   iterator.h    the snapshot iterators
 *   value_dict.h, key_dict.h, weak_set.h
 *                 each base's own methods
 *
 * and this file holds what the three share (construction, len, iteration,
 * the loops of copy() and update()), the types and the module.
 *
 * One contract: C works only on what it owns (state.h: owned()), and then
 * does what the twin's code does, in the same order, through the public C
 * API; every other container, and every other call shape, goes whole to the
 * twin's method. After anything that can run Python code (a callback, an
 * __eq__ or __hash__, a deallocation, an allocation that collects), what the
 * twin would read again is read again.
 *
 * The module's objects are one interpreter's: a second interpreter is
 * refused at import (3.12+ say so in a module slot; older ones are checked
 * here), and backports.weakref._core then uses the twin there.
 *
 * Differences from the twin, by construction: the iterators are not
 * generators (no send, throw or close); _remove is a callable object, not a
 * function (its __closure__ is None all the same, and it takes its one
 * argument by position only); a method called through its slot wrapper with
 * a wrong number of arguments (d.__getitem__()) words the error as slot
 * wrappers do; a method called unbound on an object of another class
 * (WeakSetBase.add(some_dict, x)) is refused by the method descriptor.
 */
#include "_speedupslib/compat.h"
#include "_speedupslib/state.h"
#include "_speedupslib/twin.h"
#include "_speedupslib/remover.h"
#include "_speedupslib/iterator.h"
#include "_speedupslib/value_dict.h"
#include "_speedupslib/key_dict.h"
#include "_speedupslib/weak_set.h"

/* What _core.CORE_API must say for this module to be used. */
#define CORE_API 3

static const char *const kind_names[KINDS] = {
    "WeakValueDictionaryBase", "WeakKeyDictionaryBase", "WeakSetBase"
};

/* -- the container: slots, collection ------------------------------------------- */

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
    (void)container_clear(self);
    Py_TYPE(self)->tp_free(self);
}

/* -- what the three bases share ------------------------------------------------- */

/* _init_entries(): an empty data and a fresh _remove, set in the twin's
 * order for the kind (the value dict makes its callback first; the others
 * set data first), so that a container that cannot be weakly referenced is
 * left as the twin leaves it. */
static PyObject *
init_entries(PyObject *self, int kind)
{
    PyObject *data = NULL, *remove = NULL;
    int status = -1;
    if (!reads_slots(self, kind))
        return twin_call(kind, "_init_entries", self, NULL, 0);
    if (kind == VALUE_DICT) {
        remove = remover_new(self, kind);
        if (remove == NULL
                || PyObject_SetAttr(self, core.str_remove, remove) < 0)
            goto done;
        data = PyDict_New();
        if (data == NULL || PyObject_SetAttr(self, core.str_data, data) < 0)
            goto done;
    }
    else {
        data = kind == KEY_DICT ? PyDict_New() : PySet_New(NULL);
        if (data == NULL || PyObject_SetAttr(self, core.str_data, data) < 0)
            goto done;
        remove = remover_new(self, kind);
        if (remove == NULL
                || PyObject_SetAttr(self, core.str_remove, remove) < 0)
            goto done;
    }
    status = 0;
done:
    Py_XDECREF(data);
    Py_XDECREF(remove);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

#define KIND_WRAPPER(name, kind)                                             \
    static PyObject *                                                         \
    name(PyObject *self, PyObject *unused)                                    \
    {                                                                         \
        (void)unused;                                                         \
        return init_entries(self, kind);                                      \
    }
KIND_WRAPPER(value_dict_init_entries, VALUE_DICT)
KIND_WRAPPER(key_dict_init_entries, KEY_DICT)
KIND_WRAPPER(set_init_entries, WEAK_SET)
#undef KIND_WRAPPER

static Py_ssize_t
container_length(PyObject *self, int kind)
{
    PyObject *data;
    Py_ssize_t size;
    if (!owned(self, kind, &data, NULL))
        return twin_call_size(kind, "__len__", self);
    size = kind == WEAK_SET ? PySet_Size(data) : PyDict_Size(data);
    Py_DECREF(data);
    return size;
}

static Py_ssize_t
value_dict_length(PyObject *self)
{
    return container_length(self, VALUE_DICT);
}

static Py_ssize_t
key_dict_length(PyObject *self)
{
    return container_length(self, KEY_DICT);
}

static Py_ssize_t
set_length(PyObject *self)
{
    return container_length(self, WEAK_SET);
}

static PyObject *
value_dict_iter(PyObject *self)
{
    return iterator_new(self, VALUE_DICT, YIELDS_KEYS);
}

static PyObject *
key_dict_iter(PyObject *self)
{
    return iterator_new(self, KEY_DICT, YIELDS_KEYS);
}

static PyObject *
set_iter(PyObject *self)
{
    return iterator_new(self, WEAK_SET, YIELDS_KEYS);
}

#define ITERATOR_METHOD(name, kind, yields)                                   \
    static PyObject *                                                         \
    name(PyObject *self, PyObject *const *args, Py_ssize_t nargs)             \
    {                                                                         \
        (void)args;                                                           \
        (void)nargs;                                                          \
        return iterator_new(self, kind, yields);                              \
    }
ITERATOR_METHOD(value_dict_keys_impl, VALUE_DICT, YIELDS_KEYS)
ITERATOR_METHOD(value_dict_values_impl, VALUE_DICT, YIELDS_VALUES)
ITERATOR_METHOD(value_dict_items_impl, VALUE_DICT, YIELDS_ITEMS)
ITERATOR_METHOD(key_dict_keys_impl, KEY_DICT, YIELDS_KEYS)
ITERATOR_METHOD(key_dict_values_impl, KEY_DICT, YIELDS_VALUES)
ITERATOR_METHOD(key_dict_items_impl, KEY_DICT, YIELDS_ITEMS)
#undef ITERATOR_METHOD

/* _copy_into(new): each live entry of self stored into new, an empty
 * container of the same kind, with new's data and _remove as read first
 * (the twin reads new's before it copies self's data). */
static PyObject *
copy_into(PyObject *self, PyObject *new, int kind)
{
    PyObject *new_data, *new_remove, *data, *snapshot, *key, *value, *alive;
    Py_ssize_t position = 0;
    int status = 0, found;
    if (!PyObject_TypeCheck(new, &base_types[kind])
            || !owned(new, kind, &new_data, &new_remove))
        return twin_call(kind, "_copy_into", self, &new, 1);
    if (!owned(self, kind, &data, NULL)) {
        Py_DECREF(new_data);
        Py_DECREF(new_remove);
        return twin_call(kind, "_copy_into", self, &new, 1);
    }
    snapshot = kind == WEAK_SET ? PySequence_List(data) : PyDict_Copy(data);
    Py_DECREF(data);
    if (snapshot == NULL) {
        status = -1;
    }
    else if (kind == WEAK_SET) {
        Py_ssize_t i;
        for (i = 0; status == 0 && i < PyList_GET_SIZE(snapshot); i++) {
            PyObject *wr = PyList_GET_ITEM(snapshot, i);
            found = call_ref(wr, &alive);
            if (found > 0) {
                wr = PyWeakref_NewRef(alive, new_remove);
                status = wr == NULL ? -1 : PySet_Add(new_data, wr);
                Py_XDECREF(wr);
                Py_DECREF(alive);
            }
            else if (found < 0) {
                status = -1;
            }
        }
    }
    else {
        /* The snapshot is ours alone: nothing changes it meanwhile. */
        while (status == 0 && PyDict_Next(snapshot, &position, &key, &value)) {
            Py_INCREF(key);
            Py_INCREF(value);
            found = call_ref(kind == VALUE_DICT ? value : key, &alive);
            if (found > 0) {
                status = kind == VALUE_DICT
                    ? value_dict_store(new_data, new_remove, key, alive)
                    : key_dict_store(new_data, new_remove, alive, value);
                Py_DECREF(alive);
            }
            else if (found < 0) {
                status = -1;
            }
            Py_DECREF(key);
            Py_DECREF(value);
        }
    }
    Py_XDECREF(snapshot);
    Py_DECREF(new_data);
    Py_DECREF(new_remove);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
value_dict_copy_into(PyObject *self, PyObject *new)
{
    return copy_into(self, new, VALUE_DICT);
}

static PyObject *
key_dict_copy_into(PyObject *self, PyObject *new)
{
    return copy_into(self, new, KEY_DICT);
}

static PyObject *
set_copy_into(PyObject *self, PyObject *new)
{
    return copy_into(self, new, WEAK_SET);
}

/* _store_pairs(other): update()'s stores, with data and _remove read once
 * and the pairs from the twin's own _pairs(other). */
static PyObject *
store_pairs(PyObject *self, PyObject *other, int kind)
{
    PyObject *data, *remove, *pairs, *iterator, *item, *key, *value;
    int status = 0;
    if (!owned(self, kind, &data, &remove))
        return twin_call(kind, "_store_pairs", self, &other, 1);
    pairs = PyObject_CallOneArg(core.pairs, other);
    iterator = pairs == NULL ? NULL : PyObject_GetIter(pairs);
    Py_XDECREF(pairs);
    if (iterator == NULL) {
        status = -1;
    }
    else {
        while (status == 0 && (item = PyIter_Next(iterator)) != NULL) {
            status = unpack_pair(item, &key, &value);
            Py_DECREF(item);
            if (status < 0)
                break;
            status = kind == VALUE_DICT
                ? value_dict_store(data, remove, key, value)
                : key_dict_store(data, remove, key, value);
            Py_DECREF(key);
            Py_DECREF(value);
        }
        Py_DECREF(iterator);
        if (PyErr_Occurred())
            status = -1;
    }
    Py_DECREF(data);
    Py_DECREF(remove);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
value_dict_store_pairs(PyObject *self, PyObject *other)
{
    return store_pairs(self, other, VALUE_DICT);
}

static PyObject *
key_dict_store_pairs(PyObject *self, PyObject *other)
{
    return store_pairs(self, other, KEY_DICT);
}

/* -- the method tables ------------------------------------------------------------ */

BW_METHOD(value_dict_get, value_dict_get_impl, 1, 2, VALUE_DICT, "get")
BW_METHOD(value_dict_pop, value_dict_pop_impl, 1, 2, VALUE_DICT, "pop")
BW_METHOD(value_dict_setdefault, value_dict_setdefault_impl, 1, 2,
          VALUE_DICT, "setdefault")
BW_METHOD(value_dict_keys, value_dict_keys_impl, 0, 0, VALUE_DICT, "keys")
BW_METHOD(value_dict_values, value_dict_values_impl, 0, 0, VALUE_DICT,
          "values")
BW_METHOD(value_dict_items, value_dict_items_impl, 0, 0, VALUE_DICT, "items")
BW_METHOD(key_dict_get, key_dict_get_impl, 1, 2, KEY_DICT, "get")
BW_METHOD(key_dict_pop, key_dict_pop_impl, 1, 2, KEY_DICT, "pop")
BW_METHOD(key_dict_setdefault, key_dict_setdefault_impl, 1, 2, KEY_DICT,
          "setdefault")
BW_METHOD(key_dict_keys, key_dict_keys_impl, 0, 0, KEY_DICT, "keys")
BW_METHOD(key_dict_values, key_dict_values_impl, 0, 0, KEY_DICT, "values")
BW_METHOD(key_dict_items, key_dict_items_impl, 0, 0, KEY_DICT, "items")
BW_METHOD(set_add, set_add_impl, 1, 1, WEAK_SET, "add")
BW_METHOD(set_remove, set_remove_impl, 1, 1, WEAK_SET, "remove")
BW_METHOD(set_discard, set_discard_impl, 1, 1, WEAK_SET, "discard")
BW_METHOD(set_update, set_update_impl, 1, 1, WEAK_SET, "update")

#define FAST(function) ((PyCFunction)(void (*)(void))(function))
#define INIT_DOC "Give the container its empty data and its _remove."
#define COPY_DOC "Store each live entry into new, an empty container."
#define PAIRS_DOC "Store the pairs of other (a mapping, pairs, or None)."

/* The two dicts' tables: the same names, each kind's functions and what
 * its get, pop, setdefault, keys, values and items say of themselves. */
#define DICT_METHODS(prefix, get_doc, pop_doc, setdefault_doc, keys_doc,     \
                     values_doc, items_doc)                                   \
    {"_init_entries", prefix##_init_entries, METH_NOARGS, INIT_DOC},          \
    {"get", FAST(prefix##_get), BW_METHOD_FLAGS,                              \
     BW_SIGNATURE_DOC("get($self, key, default=None)", get_doc)},             \
    {"pop", FAST(prefix##_pop), BW_METHOD_FLAGS,                              \
     BW_SIGNATURE_DOC("pop($self, key, *args)", pop_doc)},                    \
    {"setdefault", FAST(prefix##_setdefault), BW_METHOD_FLAGS,                \
     BW_SIGNATURE_DOC("setdefault($self, key, default=None)",                 \
                      setdefault_doc)},                                       \
    {"keys", FAST(prefix##_keys), BW_METHOD_FLAGS,                            \
     BW_SIGNATURE_DOC("keys($self)", keys_doc)},                              \
    {"values", FAST(prefix##_values), BW_METHOD_FLAGS,                        \
     BW_SIGNATURE_DOC("values($self)", values_doc)},                          \
    {"items", FAST(prefix##_items), BW_METHOD_FLAGS,                          \
     BW_SIGNATURE_DOC("items($self)", items_doc)},                            \
    {"_copy_into", prefix##_copy_into, METH_O, COPY_DOC},                     \
    {"_store_pairs", prefix##_store_pairs, METH_O, PAIRS_DOC},                \
    {NULL, NULL, 0, NULL}

static PyMethodDef value_dict_methods[] = {DICT_METHODS(
    value_dict,
    "The value under key while it lives, else default.",
    "Remove key; return its live value, else the default given, else "
    "raise KeyError.",
    "The live value under key; else store default there and return it.",
    "Iterate over the keys of the live values, from a snapshot taken at "
    "the first step.",
    "Iterate over the live values, from a snapshot taken at the first step.",
    "Iterate over (key, value) for the live values, from a snapshot taken "
    "at the first step.")};

static PyMethodDef key_dict_methods[] = {DICT_METHODS(
    key_dict,
    "The value under key, else default.",
    "Remove key and return its value, else the default given, else raise "
    "KeyError.",
    "The value under key; else store default there and return it.",
    "Iterate over the live keys, from a snapshot taken at the first step.",
    "Iterate over the values of the live keys, from a snapshot taken at the "
    "first step.",
    "Iterate over (key, value) for the live keys, from a snapshot taken at "
    "the first step.")};
#undef DICT_METHODS

static PyMethodDef set_methods[] = {
    {"_init_entries", set_init_entries, METH_NOARGS,
     "Give the set its empty data and its _remove."},
    {"add", FAST(set_add), BW_METHOD_FLAGS,
     BW_SIGNATURE_DOC("add($self, item)", "Add item.")},
    {"remove", FAST(set_remove), BW_METHOD_FLAGS,
     BW_SIGNATURE_DOC("remove($self, item)",
                      "Remove item; KeyError if it is not a member.")},
    {"discard", FAST(set_discard), BW_METHOD_FLAGS,
     BW_SIGNATURE_DOC("discard($self, item)",
                      "Remove item if it is a member.")},
    {"update", FAST(set_update), BW_METHOD_FLAGS,
     BW_SIGNATURE_DOC("update($self, other)", "Add each element of other.")},
    {"_copy_into", set_copy_into, METH_O,
     "Add each live member to new, an empty set."},
    {NULL, NULL, 0, NULL}
};

static PyMappingMethods value_dict_as_mapping = {
    value_dict_length, value_dict_subscript, value_dict_ass_subscript
};
static PyMappingMethods key_dict_as_mapping = {
    key_dict_length, key_dict_subscript, key_dict_ass_subscript
};
static PySequenceMethods value_dict_as_sequence = {
    0, 0, 0, 0, 0, 0, 0, value_dict_contains, 0, 0
};
static PySequenceMethods key_dict_as_sequence = {
    0, 0, 0, 0, 0, 0, 0, key_dict_contains, 0, 0
};
static PySequenceMethods set_as_sequence = {
    set_length, 0, 0, 0, 0, 0, 0, set_contains, 0, 0
};

/* -- the types ------------------------------------------------------------------- */

#define BASE_TYPE(name)                                                       \
    {PyVarObject_HEAD_INIT(NULL, 0) "backports.weakref._speedups." name,     \
     sizeof(Container)}
static PyTypeObject base_types[KINDS] = {
    BASE_TYPE("WeakValueDictionaryBase"),
    BASE_TYPE("WeakKeyDictionaryBase"),
    BASE_TYPE("WeakSetBase")
};
#undef BASE_TYPE

static void
fill_base(int kind, const char *doc, PyMethodDef *methods,
          PyMappingMethods *mapping, PySequenceMethods *sequence,
          getiterfunc iter)
{
    PyTypeObject *type = &base_types[kind];
    type->tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE
        | Py_TPFLAGS_HAVE_GC;
    type->tp_doc = doc;
    type->tp_dealloc = container_dealloc;
    type->tp_traverse = container_traverse;
    type->tp_clear = container_clear;
    type->tp_methods = methods;
    type->tp_members = container_members;
    type->tp_as_mapping = mapping;
    type->tp_as_sequence = sequence;
    type->tp_iter = iter;
    type->tp_new = PyType_GenericNew;
    type->tp_free = PyObject_GC_Del;
}

/* -- the module -------------------------------------------------------------------- */

/* The twin's attribute *name* of module *module*, a new reference. */
static PyObject *
attribute_of(const char *module, const char *name)
{
    PyObject *found, *imported = PyImport_ImportModule(module);
    if (imported == NULL)
        return NULL;
    found = PyObject_GetAttrString(imported, name);
    Py_DECREF(imported);
    return found;
}

/* Everything the module needs, once, in the interpreter that imports it
 * first. 0 or -1. */
static int
initialise(void)
{
    PyObject *twin_base;
    int kind, name;
    fill_base(VALUE_DICT, "The hot paths of WeakValueDictionary, compiled.",
              value_dict_methods, &value_dict_as_mapping,
              &value_dict_as_sequence, value_dict_iter);
    fill_base(KEY_DICT, "The hot paths of WeakKeyDictionary, compiled.",
              key_dict_methods, &key_dict_as_mapping, &key_dict_as_sequence,
              key_dict_iter);
    fill_base(WEAK_SET, "The hot paths of WeakSet, compiled.", set_methods,
              NULL, &set_as_sequence, set_iter);
    for (kind = 0; kind < KINDS; kind++) {
        if (PyType_Ready(&base_types[kind]) < 0)
            return -1;
    }
    if (remover_ready() < 0 || iterator_ready() < 0)
        return -1;
#define INTERN(field, text)                                                  \
    if ((core.field = BW_InternFromString(text)) == NULL) return -1
    INTERN(str_data, "data");
    INTERN(str_remove, "_remove");
    INTERN(str_key, "key");
    INTERN(str_add, "add");
    INTERN(str_discard, "discard");
    INTERN(str_dict, "__dict__");
    INTERN(str_setdefault, "setdefault");
#undef INTERN
    for (kind = 0; kind < KINDS; kind++) {
        PyObject *namespace = PyType_GetDict(&base_types[kind]);
        if (namespace == NULL)
            return -1;
        for (name = 0; name < 2; name++) {
            PyObject *descriptor;
            if (PyDict_GetItemRef(namespace, name == 0 ? core.str_data
                                  : core.str_remove, &descriptor) <= 0) {
                Py_DECREF(namespace);
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ImportError, "no data slot");
                return -1;
            }
            core.slot_descriptors[kind][name] = descriptor;
        }
        Py_DECREF(namespace);
        twin_base = attribute_of("backports.weakref._pure", kind_names[kind]);
        if (twin_base == NULL)
            return -1;
        core.twin_methods[kind] = PyObject_GetAttr(twin_base, core.str_dict);
        Py_DECREF(twin_base);
        if (core.twin_methods[kind] == NULL)
            return -1;
    }
    core.ref_type = attribute_of("weakref", "ref");
    core.keyed_ref_type = (PyTypeObject *)attribute_of("weakref", "KeyedRef");
    core.remove_dead_weakref = attribute_of("backports.weakref._entries",
                                            "remove_dead_weakref");
    core.pairs = attribute_of("backports.weakref._pure", "_pairs");
    core.unpack_pair = attribute_of("backports.weakref._pure",
                                    "unpack_pair");
    core.unchanged_adds = attribute_of("backports.weakref._pure",
                                       "UNCHANGED_ADDS");
    core.absent = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
    if (core.ref_type == NULL || core.keyed_ref_type == NULL
            || core.remove_dead_weakref == NULL || core.pairs == NULL
            || core.unpack_pair == NULL || core.unchanged_adds == NULL
            || core.absent == NULL)
        return -1;
    if (!PyType_Check(core.ref_type)
            || !PyType_Check((PyObject *)core.keyed_ref_type)
            || !PyType_IsSubtype(core.keyed_ref_type,
                                 (PyTypeObject *)core.ref_type)) {
        PyErr_SetString(PyExc_ImportError,
                        "weakref.KeyedRef is not a subclass of weakref.ref");
        return -1;
    }
    return 0;
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
    if (core.interpreter == NULL) {
        if (initialise() < 0)
            return -1;
        core.interpreter = bw_interpreter();
    }
    else if (core.interpreter != bw_interpreter()) {
        PyErr_SetString(PyExc_ImportError,
                        "backports.weakref._speedups serves one interpreter "
                        "per process; this one uses the pure twin");
        return -1;
    }
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

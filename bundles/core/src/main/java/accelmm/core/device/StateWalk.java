package accelmm.core.device;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import accelmm.api.idr.Idr;

/**
 * Finds the classes of one loader (a driver that is leaving) anywhere in the state the core keeps
 * for its successor: values and what they reach through collections, maps, arrays, registries,
 * records and the api's own state classes (whose fields it reads). The core's own objects are
 * not entered: what they hold is the core's.
 *
 * <p>Concurrency: meant for a quiet device (calls drained); a collection changing meanwhile is
 * skipped.
 */
final class StateWalk {
    private final ClassLoader driver;
    private final ClassLoader api = Idr.class.getClassLoader();
    private final Set<String> found = new LinkedHashSet<>();
    private final Map<Object, Boolean> seen = new IdentityHashMap<>();
    private final Deque<Object> todo = new ArrayDeque<>();

    private StateWalk(ClassLoader driver) {
        this.driver = driver;
    }

    /** The names of the classes of {@code driver} reachable from {@code roots}, in the order met. */
    static Set<String> classesOf(ClassLoader driver, Collection<?> roots) {
        StateWalk w = new StateWalk(driver);
        roots.forEach(w::push);
        w.run();
        return w.found;
    }

    private void push(Object o) {
        if (o != null && seen.put(o, Boolean.TRUE) == null) {
            todo.push(o);
        }
    }

    private void run() {
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            Class<?> c = o.getClass();
            if (c.getClassLoader() == driver) {
                found.add(c.getName());
                continue;
            }
            try {
                enter(o, c);
            } catch (ConcurrentModificationException e) {
                // changed under the walk: what it holds now is looked at by the next update
            }
        }
    }

    private void enter(Object o, Class<?> c) {
        if (o instanceof Idr<?> idr) {
            idr.forEach((id, v) -> {
                push(v);
                return 0;
            });
        } else if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                push(k);
                push(v);
            });
        } else if (o instanceof Collection<?> col) {
            col.forEach(this::push);
        } else if (o instanceof Object[] arr) {
            for (Object e : arr) {
                push(e);
            }
        } else if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                push(read(rc, o));
            }
        } else if (c.getClassLoader() == api && c.getClassLoader() != null) {
            for (Class<?> k = c; k != null && k.getClassLoader() == api; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                        push(read(f, o));
                    }
                }
            }
        }
    }

    private static Object read(RecordComponent rc, Object o) {
        try {
            rc.getAccessor().setAccessible(true);
            return rc.getAccessor().invoke(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Object read(Field f, Object o) {
        try {
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

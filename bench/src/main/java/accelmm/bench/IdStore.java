package accelmm.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;

import accelmm.core.diag.Warnings;
import accelmm.core.idr.IdrImpl;

/**
 * An id-to-object store under benchmark: accelmm's IDR and the peers it is measured against. Each
 * JMH fork uses one implementation, so the calls stay monomorphic.
 */
interface IdStore {
    /** Stores {@code v} under a new id and returns the id. */
    int alloc(Object v);

    /** Returns the object of {@code id}, or null. */
    Object find(int id);

    /** Removes {@code id}. */
    void remove(int id);

    /** Creates the store named by a benchmark parameter: {@code idr}, {@code chm} or {@code eclipse}. */
    static IdStore create(String impl) {
        return switch (impl) {
            case "idr" -> new Idr();
            case "chm" -> new Chm();
            case "eclipse" -> new Eclipse();
            default -> throw new IllegalArgumentException(impl);
        };
    }

    /** accelmm: lowest-free ids from a radix tree. */
    final class Idr implements IdStore {
        final IdrImpl<Object> idr = new IdrImpl<>(0, null, new Warnings());

        @Override
        public int alloc(Object v) {
            return idr.alloc(v, 0, 0);
        }

        @Override
        public Object find(int id) {
            return idr.find(id);
        }

        @Override
        public void remove(int id) {
            idr.remove(id);
        }
    }

    /** The usual Java answer: a ConcurrentHashMap keyed by an AtomicInteger counter. */
    final class Chm implements IdStore {
        final ConcurrentHashMap<Integer, Object> map = new ConcurrentHashMap<>();
        final AtomicInteger next = new AtomicInteger();

        @Override
        public int alloc(Object v) {
            int id = next.getAndIncrement();
            map.put(id, v);
            return id;
        }

        @Override
        public Object find(int id) {
            return map.get(id);
        }

        @Override
        public void remove(int id) {
            map.remove(id);
        }
    }

    /** A primitive-keyed open-addressing map (Eclipse Collections) with a counter. */
    final class Eclipse implements IdStore {
        final IntObjectHashMap<Object> map = new IntObjectHashMap<>();
        int next;

        @Override
        public int alloc(Object v) {
            int id = next++;
            map.put(id, v);
            return id;
        }

        @Override
        public Object find(int id) {
            return map.get(id);
        }

        @Override
        public void remove(int id) {
            map.remove(id);
        }
    }
}

package dev.switchboard.auth.service;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** One page of a list ordered by id. */
public record Page<T>(List<T> items, int page, int size, long total) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 500;

    /** Checks the parameters, then reads one page of the query (ordered by the caller) and its total in one transaction. */
    public static <E, V> Page<V> read(int page, int size, Supplier<PanacheQuery<E>> query, Function<E, V> view) {
        check(page, size);
        return QuarkusTransaction.requiringNew().call(() -> {
            PanacheQuery<E> q = query.get();
            return new Page<>(q.page(page, size).list().stream().map(view).toList(), page, size, q.count());
        });
    }

    /** Checks paging parameters; a 422 names the bad one. */
    public static void check(int page, int size) {
        dev.switchboard.admin.Paging.page(page);
        dev.switchboard.admin.Paging.size(size, DEFAULT_SIZE, MAX_SIZE);
    }
}

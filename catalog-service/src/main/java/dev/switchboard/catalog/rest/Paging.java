package dev.switchboard.catalog.rest;

import dev.switchboard.catalog.api.ApiProblem;
import dev.switchboard.catalog.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Validates {@code ?page=&size=} of list endpoints. */
@ApplicationScoped
public class Paging {

    @Inject
    CatalogConfig config;

    public int page(Integer page) {
        if (page == null) {
            return 0;
        }
        if (page < 0) {
            throw ApiProblem.invalid("page", "must be 0 or greater");
        }
        return page;
    }

    public int size(Integer size) {
        if (size == null) {
            return config.paging().defaultSize();
        }
        if (size < 1 || size > config.paging().maxSize()) {
            throw ApiProblem.invalid("size", "must be between 1 and " + config.paging().maxSize());
        }
        return size;
    }
}

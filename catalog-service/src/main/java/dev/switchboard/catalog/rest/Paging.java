package dev.switchboard.catalog.rest;

import dev.switchboard.catalog.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code ?page=&size=} of the list endpoints: the kit's rule with this service's default and maximum size. */
@ApplicationScoped
public class Paging {

    private final CatalogConfig config;

    public Paging(CatalogConfig config) {
        this.config = config;
    }

    public int page(Integer page) {
        return dev.switchboard.admin.Paging.page(page);
    }

    public int size(Integer size) {
        return dev.switchboard.admin.Paging.size(size, config.paging().defaultSize(), config.paging().maxSize());
    }
}

package dev.switchboard.admin;

/**
 * The one rule for {@code ?page=&size=} of list endpoints: page from 0, size from 1 to the service's
 * maximum; a bad value is a 422 naming the parameter.
 */
public final class Paging {

    private Paging() {
    }

    /** @return page, or 0 when absent */
    public static int page(Integer page) {
        if (page == null) {
            return 0;
        }
        if (page < 0) {
            throw ApiProblem.invalid("page", "must be 0 or greater");
        }
        return page;
    }

    /** @return size, or defaultSize when absent */
    public static int size(Integer size, int defaultSize, int maxSize) {
        if (size == null) {
            return defaultSize;
        }
        if (size < 1 || size > maxSize) {
            throw ApiProblem.invalid("size", "must be between 1 and " + maxSize);
        }
        return size;
    }
}

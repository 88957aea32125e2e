package dev.switchboard.catalog.service;

import java.net.URI;
import java.net.URISyntaxException;

/** Syntax rules shared by the services. Reasons never repeat the rejected value. */
final class Names {

    static final int MAX_NAME = 200;

    private Names() {
    }

    /** Names tenants send as {@code model}: no whitespace, no wildcard, bounded length. */
    static void checkName(Fields f, String field, String name) {
        if (name == null) {
            return;
        }
        if (name.length() > MAX_NAME) {
            f.error(field, "must be at most " + MAX_NAME + " characters");
        } else if (name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            f.error(field, "must not contain whitespace");
        } else if (name.indexOf('*') >= 0) {
            f.error(field, "must not contain '*'");
        }
    }

    /** An absolute http(s) URL with a host and without credentials. */
    static void checkBaseUrl(Fields f, String field, String value) {
        if (value == null) {
            return;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (!uri.isAbsolute() || scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                f.error(field, "must be an absolute http or https URL");
            } else if (uri.getHost() == null || uri.getHost().isBlank()) {
                f.error(field, "must name a host");
            } else if (uri.getUserInfo() != null) {
                f.error(field, "must not contain credentials; use a provider key");
            } else if (uri.getQuery() != null || uri.getFragment() != null) {
                f.error(field, "must not have a query or fragment");
            }
        } catch (URISyntaxException e) {
            f.error(field, "must be an absolute http or https URL");
        }
    }
}

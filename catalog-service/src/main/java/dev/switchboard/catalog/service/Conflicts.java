package dev.switchboard.catalog.service;

import dev.switchboard.admin.ApiProblem;
import dev.switchboard.catalog.api.Reference;
import java.util.List;
import java.util.Map;

/** The catalog's two kinds of 409, with the members that tell the operator what to change. */
public final class Conflicts {

    private Conflicts() {
    }

    /** A name already taken in the shared namespace; {@code conflict} names it. */
    public static ApiProblem nameTaken(String name, String takenBy) {
        return ApiProblem.conflict("name '" + name + "' is already used by " + takenBy, Map.of("conflict", name));
    }

    /** An object still referenced; {@code references} lists what points at it. */
    public static ApiProblem referenced(String what, List<Reference> references) {
        return ApiProblem.conflict(what + " is referenced by " + references.size()
                + " object(s); remove them first or repeat with ?cascade=true", Map.of("references", references));
    }
}

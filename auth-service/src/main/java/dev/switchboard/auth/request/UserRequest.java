package dev.switchboard.auth.request;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A user as an operator writes it: the body of a create, and the state a PATCH (JSON merge patch) is applied to.
 * A field left out, or set to null, takes its default; bounds are the columns' ({@code NUMERIC(20, 8)}, int).
 */
@UnknownFields
@Schema(name = "UserRequest", description = "A user to create, or the fields of one to change (JSON merge patch)")
public record UserRequest(
        @Schema(description = "Display name; required on create", maxLength = 200)
        @NotBlank @Size(max = 200) String name,
        @Schema(description = "Unique, case-insensitive (stored in lower case); required on create", maxLength = 320)
        @NotBlank @Size(max = 320) @Pattern(regexp = "[^@\\s]+@[^@\\s]+", message = "must be an email address") String email,
        @Schema(enumeration = {"active", "disabled"}, defaultValue = "active")
        @Pattern(regexp = "active|disabled", message = "must be one of active, disabled") String status,
        @Schema(enumeration = {"user", "admin"}, defaultValue = "user")
        @Pattern(regexp = "user|admin", message = "must be one of admin, user") String role,
        @Schema(description = "Prepaid balance in USD; null for none. Usage may take it below zero, an operator may not")
        @DecimalMin(value = "0", message = "must not be negative")
        @Digits(integer = 12, fraction = 8, message = "must be below 1000000000000 with at most 8 decimal places")
        BigDecimal balanceUsd,
        @Schema(description = "Concurrent requests allowed; null for unlimited", maximum = "2147483647")
        @JsonDeserialize(using = WholeNumber.class) @PositiveOrZero(message = "must not be negative") @Max(Integer.MAX_VALUE)
        Long concurrency,
        @Schema(hidden = true) @JsonAnySetter @JsonAnyGetter Map<String, Object> unknownFields)
        implements UnknownFields.Collected {

    public UserRequest {
        name = name == null ? null : name.strip();
        email = email == null ? null : email.strip().toLowerCase(Locale.ROOT);
        status = status == null ? "active" : status;
        role = role == null ? "user" : role;
        unknownFields = unknownFields == null ? new LinkedHashMap<>() : unknownFields;
    }
}

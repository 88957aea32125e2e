package dev.switchboard.auth.request;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A group as an operator writes it: the body of a create, and the state a PATCH (JSON merge patch) is applied to.
 * A field left out, or set to null, takes its default. Bounds are the columns': limits {@code NUMERIC(20, 8)}, the
 * multiplier {@code NUMERIC(12, 6)}. Whether the fallback group exists and makes no cycle is the service's check.
 */
@UnknownFields
@Schema(name = "GroupRequest", description = "A group to create, or the fields of one to change (JSON merge patch)")
public record GroupRequest(
        @Schema(description = "Unique name; required on create", maxLength = 200)
        @NotBlank @Size(max = 200) String name,
        @Schema(enumeration = {"openai", "anthropic", "any"}, defaultValue = "any")
        @Pattern(regexp = "openai|anthropic|any", message = "must be one of any, anthropic, openai") String platform,
        @Schema(enumeration = {"active", "disabled"}, defaultValue = "active")
        @Pattern(regexp = "active|disabled", message = "must be one of active, disabled") String status,
        @Schema(defaultValue = "standard", maxLength = 64)
        @Size(min = 1, max = 64) String subscriptionType,
        @Schema(description = "Factor on every price; > 0, at most 6 decimals", defaultValue = "1")
        @DecimalMin(value = "0", inclusive = false, message = "must be greater than 0")
        @Digits(integer = 6, fraction = 6, message = "must be below 1000000 with at most 6 decimal places")
        BigDecimal rateMultiplier,
        @Schema(description = "USD per day; null for no limit")
        @DecimalMin(value = "0", message = "must not be negative")
        @Digits(integer = 12, fraction = 8, message = "must be below 1000000000000 with at most 8 decimal places")
        BigDecimal dailyLimitUsd,
        @Schema(description = "USD per week; null for no limit")
        @DecimalMin(value = "0", message = "must not be negative")
        @Digits(integer = 12, fraction = 8, message = "must be below 1000000000000 with at most 8 decimal places")
        BigDecimal weeklyLimitUsd,
        @Schema(description = "USD per month; null for no limit")
        @DecimalMin(value = "0", message = "must not be negative")
        @Digits(integer = 12, fraction = 8, message = "must be below 1000000000000 with at most 8 decimal places")
        BigDecimal monthlyLimitUsd,
        @Schema(description = "Model patterns the group may use; empty for all", maxItems = GroupRequest.MAX_PATTERNS)
        @Size(max = GroupRequest.MAX_PATTERNS, message = "must have at most {max} entries") @ModelPatternList
        List<String> allowedModels,
        @Schema(description = "Group tried when this one's limits are reached; null for none")
        @JsonDeserialize(using = WholeNumber.class) @Positive(message = "must be a positive integer id") Long fallbackGroupId,
        @Schema(description = "Model pattern to the targets tried in order (JSON merge patch: a pattern set to null is removed)")
        @Size(max = GroupRequest.MAX_PATTERNS, message = "must have at most {max} patterns") @ModelRouting
        Map<String, List<String>> modelRouting,
        @Schema(defaultValue = "false")
        Boolean modelRoutingEnabled,
        @Schema(hidden = true) @JsonAnySetter @JsonAnyGetter Map<String, Object> unknownFields)
        implements UnknownFields.Collected {

    public static final int MAX_PATTERNS = 200;

    public GroupRequest {
        name = name == null ? null : name.strip();
        platform = platform == null ? "any" : platform;
        status = status == null ? "active" : status;
        subscriptionType = subscriptionType == null ? "standard" : subscriptionType.strip();
        rateMultiplier = rateMultiplier == null ? BigDecimal.ONE : rateMultiplier;
        allowedModels = allowedModels == null ? List.of() : allowedModels;
        modelRouting = modelRouting == null ? Map.of() : modelRouting;
        modelRoutingEnabled = modelRoutingEnabled != null && modelRoutingEnabled;
        unknownFields = unknownFields == null ? new LinkedHashMap<>() : unknownFields;
    }
}

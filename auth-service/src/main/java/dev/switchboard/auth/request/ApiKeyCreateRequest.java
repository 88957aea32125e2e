package dev.switchboard.auth.request;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A key to create. The secret is generated; whether the user and group exist is the service's check. */
@UnknownFields
@Schema(name = "ApiKeyCreateRequest", description = "A key to create; the answer carries its secret, shown once")
public record ApiKeyCreateRequest(
        @Schema(description = "Display name", maxLength = 200)
        @NotBlank @Size(max = 200) String name,
        @Schema(description = "The owning user; never changes")
        @JsonDeserialize(using = WholeNumber.class) @NotNull @Positive(message = "must be a positive integer id") Long userId,
        @Schema(description = "The group whose limits and models apply")
        @JsonDeserialize(using = WholeNumber.class) @NotNull @Positive(message = "must be a positive integer id") Long groupId,
        @Schema(description = "ISO-8601 instant after which the key is refused; null for never", example = "2030-01-31T00:00:00Z")
        Instant expiresAt,
        @Schema(description = "Address blocks allowed to use the key; empty for any", maxItems = ApiKeyUpdateRequest.MAX_CIDRS)
        @Size(max = ApiKeyUpdateRequest.MAX_CIDRS, message = "must have at most {max} entries") @CidrList List<String> ipAllow,
        @Schema(description = "Address blocks refused even when allowed", maxItems = ApiKeyUpdateRequest.MAX_CIDRS)
        @Size(max = ApiKeyUpdateRequest.MAX_CIDRS, message = "must have at most {max} entries") @CidrList List<String> ipDeny,
        @Schema(description = "Requests per minute; null for unlimited", maximum = "2147483647")
        @JsonDeserialize(using = WholeNumber.class) @PositiveOrZero(message = "must not be negative") @Max(Integer.MAX_VALUE)
        Long rpmLimit,
        @Schema(hidden = true) @JsonAnySetter @JsonAnyGetter Map<String, Object> unknownFields)
        implements UnknownFields.Collected {

    public ApiKeyCreateRequest {
        name = name == null ? null : name.strip();
        ipAllow = ipAllow == null ? List.of() : ipAllow;
        ipDeny = ipDeny == null ? List.of() : ipDeny;
        unknownFields = unknownFields == null ? new LinkedHashMap<>() : unknownFields;
    }
}

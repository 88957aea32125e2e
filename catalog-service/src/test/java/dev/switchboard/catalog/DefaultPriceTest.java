package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.admin;
import static dev.switchboard.catalog.Api.invalid;
import static dev.switchboard.catalog.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider's default price: accepted on create and PATCH, shown by GET, removed with null, refused (422 naming the
 * field, never a 500 from PostgreSQL) when negative, incomplete, too large or too precise, and published.
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class DefaultPriceTest {

    private static final String PRICE_MAX = "999999999999.999999";
    private static final String PRICE_ABOVE = "1000000000000";
    private static final String PRICE_TOO_PRECISE = "1.0000001";

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper mapper;

    /** An admin request whose JSON numbers read back as BigDecimal (the API answers 2 and 2.000000 alike). */
    private static io.restassured.specification.RequestSpecification exact() {
        return admin().config(io.restassured.RestAssured.config().jsonConfig(io.restassured.config.JsonConfig.jsonConfig()
                .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.BIG_DECIMAL)));
    }

    /** A JSON number equal to {@code v} whatever its scale (an integer reads back as Integer, a fraction as BigDecimal). */
    private static org.hamcrest.Matcher<Object> usd(String v) {
        return new org.hamcrest.CustomTypeSafeMatcher<>("a number equal to " + v) {
            @Override
            protected boolean matchesSafely(Object item) {
                return item instanceof Number n && new BigDecimal(n.toString()).compareTo(new BigDecimal(v)) == 0;
            }
        };
    }

    private static Map<String, Object> price(Object in, Object out) {
        return Map.of("inputPricePerMTok", in, "outputPricePerMTok", out);
    }

    private static Map<String, Object> provider(String name, Object defaultPrice) {
        return Map.of("name", name, "protocol", "openai", "baseUrl", "http://127.0.0.1:8090", "defaultPrice", defaultPrice);
    }

    /** PATCH with a raw JSON price (exact decimals, no double rounding on the way). */
    private static io.restassured.response.ValidatableResponse patchRaw(long id, String in, String out) {
        return admin().body("{\"defaultPrice\":{\"inputPricePerMTok\":" + in + ",\"outputPricePerMTok\":" + out + "}}")
                .patch("/admin/providers/" + id).then();
    }

    @Test
    void createShowsTheDefaultPriceAndAProviderWithoutOneHasNone() {
        long priced = exact().body(provider(unique("dp-create"), price(0.5, 1.5))).post("/admin/providers").then()
                .statusCode(201)
                .body("defaultPrice.inputPricePerMTok", usd("0.5"))
                .body("defaultPrice.outputPricePerMTok", usd("1.5"))
                .extract().jsonPath().getLong("id");
        exact().get("/admin/providers/" + priced).then().statusCode(200)
                .body("defaultPrice.inputPricePerMTok", usd("0.5"));
        long plain = Api.createProvider(unique("dp-none"));
        admin().get("/admin/providers/" + plain).then().statusCode(200).body("defaultPrice", nullValue());
    }

    @Test
    void patchSetsChangesAndRemovesTheDefaultPriceLeavingOtherFieldsAlone() {
        long id = Api.createProvider(unique("dp-patch"));
        exact().body(Map.of("defaultPrice", price(2, 8))).patch("/admin/providers/" + id).then().statusCode(200)
                .body("defaultPrice.inputPricePerMTok", usd("2"))
                .body("defaultPrice.outputPricePerMTok", usd("8"));
        exact().body(Map.of("enabled", false)).patch("/admin/providers/" + id).then().statusCode(200)
                .body("defaultPrice.outputPricePerMTok", usd("8"));
        exact().body(Map.of("defaultPrice", price(0, 0))).patch("/admin/providers/" + id).then().statusCode(200)
                .body("defaultPrice.inputPricePerMTok", usd("0"));
        admin().body("{\"defaultPrice\":null}").patch("/admin/providers/" + id).then().statusCode(200)
                .body("defaultPrice", nullValue());
    }

    @Test
    void negativeIncompleteOrMistypedDefaultPricesAre422AndNothingIsStored() {
        long id = Api.createProvider(unique("dp-invalid"));
        invalid(admin().body(Map.of("defaultPrice", price(-1, 2))).patch("/admin/providers/" + id).then(),
                "defaultPrice.inputPricePerMTok");
        invalid(admin().body(Map.of("defaultPrice", Map.of("inputPricePerMTok", 1))).patch("/admin/providers/" + id).then(),
                "defaultPrice.outputPricePerMTok");
        invalid(admin().body(Map.of("defaultPrice", Map.of("inputPricePerMTok", 1, "outputPricePerMTok", 2, "cacheRead", 1)))
                .patch("/admin/providers/" + id).then(), "defaultPrice.cacheRead");
        invalid(admin().body(Map.of("defaultPrice", price("1", 2))).patch("/admin/providers/" + id).then(),
                "defaultPrice.inputPricePerMTok");
        invalid(admin().body(Map.of("defaultPrice", 3)).patch("/admin/providers/" + id).then(), "defaultPrice");
        invalid(admin().body(provider(unique("dp-neg"), price(1, -0.01))).post("/admin/providers").then(),
                "defaultPrice.outputPricePerMTok");
        admin().get("/admin/providers/" + id).then().statusCode(200).body("defaultPrice", nullValue());
    }

    @Test
    void defaultPricesAcceptTheColumnMaximumAndRefuseOneAboveOrTooManyDecimals() {
        long id = Api.createProvider(unique("dp-bounds"));
        patchRaw(id, PRICE_MAX, PRICE_MAX).statusCode(200);
        patchRaw(id, PRICE_ABOVE, "1").statusCode(422).body("errors.field", hasItem("defaultPrice.inputPricePerMTok"));
        patchRaw(id, "1", PRICE_TOO_PRECISE).statusCode(422).body("errors.field", hasItem("defaultPrice.outputPricePerMTok"));
        patchRaw(id, "1e13", "1e-7").statusCode(422)
                .body("errors.field", hasItems("defaultPrice.inputPricePerMTok", "defaultPrice.outputPricePerMTok"));
        exact().get("/admin/providers/" + id).then().statusCode(200)
                .body("defaultPrice.inputPricePerMTok", usd(PRICE_MAX));
    }

    @Test
    void modelPricesHaveTheSameBounds() {
        long p = Api.createProvider(unique("dp-model"));
        String path = "/admin/providers/" + p + "/models";
        admin().body("{\"name\":\"" + unique("m") + "\",\"inputPricePerMTok\":" + PRICE_MAX + "}").post(path).then()
                .statusCode(201);
        invalid(admin().body("{\"name\":\"" + unique("m") + "\",\"inputPricePerMTok\":" + PRICE_ABOVE + "}").post(path).then(),
                "inputPricePerMTok");
        invalid(admin().body("{\"name\":\"" + unique("m") + "\",\"outputPricePerMTok\":" + PRICE_TOO_PRECISE + "}").post(path)
                .then(), "outputPricePerMTok");
    }

    @Test
    void theDefaultPriceIsPublishedAndItsRemovalToo() throws Exception {
        String name = unique("dp-pub");
        long v0 = storedVersion();
        long id = admin().body(provider(name, price(0.25, 1.25))).post("/admin/providers").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        CatalogSnapshot s = awaitSnapshot(v0, x -> provider(x, name).map(p -> p.defaultPrice() != null).orElse(false));
        assertThat(provider(s, name).orElseThrow().defaultPrice())
                .isEqualTo(new Price(new BigDecimal("0.250000"), new BigDecimal("1.250000")));

        long v1 = s.version();
        admin().body("{\"defaultPrice\":null}").patch("/admin/providers/" + id).then().statusCode(200);
        CatalogSnapshot cleared = awaitSnapshot(v1, x -> provider(x, name).map(p -> p.defaultPrice() == null).orElse(false));
        assertThat(provider(cleared, name)).isPresent();
        admin().delete("/admin/providers/" + id).then().statusCode(204);
    }

    /**
     * Every change here schedules a coalesced publish (debounce 100 ms): wait until the published version has
     * stood still for 500 ms, so no publish of this class lands in the middle of the next class's assertions.
     */
    @AfterEach
    void quiet() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long last = storedVersion();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - stableSince < Duration.ofMillis(500).toNanos()) {
            Thread.sleep(50);
            long now = storedVersion();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
    }

    private static Optional<ProviderSnapshot> provider(CatalogSnapshot s, String name) {
        return s.providers().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private long storedVersion() {
        var r = redis.execute("GET", RedisKeys.CATALOG_VERSION);
        return r == null ? 0 : Long.parseLong(r.toString());
    }

    private CatalogSnapshot awaitSnapshot(long after, Predicate<CatalogSnapshot> check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var r = redis.execute("GET", RedisKeys.CATALOG_SNAPSHOT);
            if (r != null) {
                CatalogSnapshot s = mapper.readValue(r.toString(), CatalogSnapshot.class);
                if (s.version() > after && check.test(s)) {
                    return s;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching snapshot newer than " + after);
    }
}

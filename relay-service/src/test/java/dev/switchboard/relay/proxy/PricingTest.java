package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing metered is served unpriced: a name a model route passes through to a provider is billed at the
 * provider's default price, and refused (403 model_not_priced, before any upstream call) to a metered tenant when
 * the provider has none; an unmetered tenant is served as before.
 */
@QuarkusTest
class PricingTest extends RelayTestBase {

    private static final Price DEFAULT_PRICE = new Price(new BigDecimal("3"), new BigDecimal("7"));

    /** A name under the route to the provider without a default price, and one under the route to the priced one. */
    private String bareName;
    private String pricedName;
    private String bareProvider;
    private String pricedProvider;
    private String pool;

    @BeforeEach
    void seed() {
        String bare = Fixture.unique("bare");
        String priced = Fixture.unique("priced");
        bareName = bare + "-new";
        pricedName = priced + "-new";
        bareProvider = Fixture.unique("prov-bare");
        pricedProvider = Fixture.unique("prov-priced");
        String unpricedModel = Fixture.unique("free-model");
        String listedModel = Fixture.unique("listed-model");
        ProviderSnapshot b = Fixture.provider(bareProvider, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("b1", "up-a")),
                List.of(new ModelSnapshot(Fixture.id(), unpricedModel, "upstream-free", null, null, null, true)));
        ProviderSnapshot plain = Fixture.provider(pricedProvider, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("p1", "up-b")), List.of(Fixture.model(listedModel, "upstream-listed")));
        ProviderSnapshot p = new ProviderSnapshot(plain.id(), plain.name(), plain.protocol(), plain.baseUrl(), true,
                plain.timeouts(), Map.of(), plain.keys(), plain.models(), List.of(), false, DEFAULT_PRICE);
        pool = Fixture.unique("mixed-pool");
        PoolSnapshot mixed = Fixture.pool(pool, PoolSnapshot.PRIORITY, List.of(
                new PoolSnapshot.Member(b.id(), unpricedModel, 1, 1, true),
                new PoolSnapshot.Member(p.id(), listedModel, 2, 1, true)));
        fx.publish(List.of(b, p), List.of(mixed), List.of(), List.of(
                Fixture.route(bare + "-*", "provider", bareProvider),
                Fixture.route(priced + "-*", "provider", pricedProvider)));
    }

    private static GroupSnapshot group(BigDecimal daily) {
        long id = Fixture.id();
        return new GroupSnapshot(id, "group-" + id, "any", "active", "standard", BigDecimal.ONE, daily, null, null,
                List.of(), null, null, false, 1);
    }

    /** A tenant whose user has {@code balance} (null = none) in a group with a daily budget {@code daily} (null = none). */
    private String tenant(BigDecimal balance, BigDecimal daily) {
        long userId = Fixture.id();
        UserSnapshot user = new UserSnapshot(userId, "u", "active", "user", balance, null, 1);
        return fx.seedKey(Fixture.key(group(daily), user, ApiKeySnapshot.ACTIVE, null, List.of(), List.of()));
    }

    private String withBalance() {
        return tenant(new BigDecimal("10"), null);
    }

    private static Response chat(String key, String model, String requestId) {
        return given().header("Authorization", "Bearer " + key).header("x-request-id", requestId)
                .contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"price me\"}]}")
                .when().post("/v1/chat/completions");
    }

    private static String rid() {
        return "rid-" + UUID.randomUUID();
    }

    @Test
    void aMeteredTenantAsksForAnUnlistedNameOfAProviderWithoutDefaultPriceAndIsRefusedBeforeAnyUpstreamCall() {
        for (String key : List.of(withBalance(), tenant(null, new BigDecimal("5")))) {
            chat(key, bareName, rid()).then().statusCode(403)
                    .body("error.code", equalTo("model_not_priced"))
                    .body("error.type", equalTo("permission_error"))
                    .body("error.message", containsString("'" + bareName + "'"));
        }
        given().header("x-api-key", withBalance()).header("anthropic-version", "2023-06-01").contentType("application/json")
                .body("{\"model\":\"" + bareName + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .when().post("/v1/messages")
                .then().statusCode(403)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("permission_error"))
                .body("error.code", equalTo("model_not_priced"))
                .body("error.message", containsString("'" + bareName + "'"));
        assertThat(mock.counts().total()).as("nothing was sent upstream").isZero();
    }

    @Test
    void countTokensOfAnUnpricedNameIsAnsweredForAMeteredTenantSinceItBillsNothing() {
        given().header("x-api-key", withBalance()).header("anthropic-version", "2023-06-01").contentType("application/json")
                .body("{\"model\":\"" + bareName + "\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}")
                .when().post("/v1/messages/count_tokens")
                .then().statusCode(200);
    }

    @Test
    void aProvidersDefaultPriceServesTheUnlistedNameAndTheUsageEventCarriesItsCost() throws Exception {
        long since = System.currentTimeMillis() - 1000;
        String id = rid();
        chat(withBalance(), pricedName, id).then().statusCode(200).header("x-switchboard-provider", pricedProvider);

        UsageEvent e = fx.usageEvent(id, since);
        assertThat(e.upstreamModel()).isEqualTo(pricedName);
        assertThat(e.promptTokens()).isPositive();
        BigDecimal expected = DEFAULT_PRICE.inputPricePerMTok().multiply(BigDecimal.valueOf(e.promptTokens()))
                .add(DEFAULT_PRICE.outputPricePerMTok().multiply(BigDecimal.valueOf(e.completionTokens())))
                .divide(BigDecimal.valueOf(1_000_000), 8, RoundingMode.HALF_UP);
        assertThat(e.costUsd()).isPositive().isEqualByComparingTo(expected);
        assertThat(mock.counts().by("/v1/chat/completions", pricedName, "up-b")).isEqualTo(1);
    }

    @Test
    void anUnmeteredTenantIsServedTheUnpricedNameAsBefore() throws Exception {
        long since = System.currentTimeMillis() - 1000;
        String id = rid();
        chat(fx.tenant(), bareName, id).then().statusCode(200).header("x-switchboard-provider", bareProvider);

        assertThat(mock.counts().by("/v1/chat/completions", bareName, "up-a")).isEqualTo(1);
        assertThat(fx.usageEvent(id, since).costUsd()).isZero();
    }

    @Test
    void aPoolWhoseFirstMemberIsUnpricedServesAMeteredTenantFromThePricedSecond() {
        chat(withBalance(), pool, rid()).then().statusCode(200)
                .header("x-switchboard-provider", pricedProvider)
                .header("x-switchboard-attempts", "1");
        assertThat(mock.counts().by("/v1/chat/completions", "upstream-listed", "up-b")).isEqualTo(1);
        assertThat(mock.counts().total()).as("the unpriced member was never tried").isEqualTo(1);

        chat(fx.tenant(), pool, rid()).then().statusCode(200).header("x-switchboard-provider", bareProvider);
    }

    @Test
    void explainShowsEachCandidatesPriceAndItsSourceAndTheUnpricedSkip() {
        String metered = withBalance();
        explain(metered, pool).statusCode(200)
                .body("metered", equalTo(true))
                .body("candidates.provider", equalTo(List.of(pricedProvider)))
                .body("candidates[0].price.source", equalTo("model"))
                .body("candidates[0].price.input_per_mtok", equalTo(1.0f))
                .body("skipped.reason", hasItem("model_not_priced"));
        explain(metered, pricedName).statusCode(200)
                .body("candidates[0].price.source", equalTo("provider_default"))
                .body("candidates[0].price.output_per_mtok", equalTo(7));
        explain(fx.tenant(), bareName).statusCode(200)
                .body("metered", equalTo(false))
                .body("candidates.provider", equalTo(List.of(bareProvider)))
                .body("candidates[0].price", nullValue());
        assertThat(mock.counts().total()).isZero();
    }

    private static io.restassured.response.ValidatableResponse explain(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\"}").when().post("/v1/route/explain").then();
    }
}

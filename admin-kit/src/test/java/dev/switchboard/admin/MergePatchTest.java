package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The test cases of RFC 7386 appendix A. */
class MergePatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'a':'b'}                | {'a':'c'}           | {'a':'c'}",
        "{'a':'b'}                | {'b':'c'}           | {'a':'b','b':'c'}",
        "{'a':'b'}                | {'a':null}          | {}",
        "{'a':'b','b':'c'}        | {'a':null}          | {'b':'c'}",
        "{'a':['b']}              | {'a':'c'}           | {'a':'c'}",
        "{'a':'c'}                | {'a':['b']}         | {'a':['b']}",
        "{'a':{'b':'c'}}          | {'a':{'b':'d','c':null}} | {'a':{'b':'d'}}",
        "{'a':[{'b':'c'}]}        | {'a':[1]}           | {'a':[1]}",
        "{'e':null}               | {'a':1}             | {'e':null,'a':1}",
        "{}                       | {'a':{'bb':{'ccc':null}}} | {'a':{'bb':{}}}",
    })
    void mergesAsTheRfcSays(String target, String patch, String expected) throws Exception {
        assertThat(MergePatch.merge(json(target), json(patch))).isEqualTo(json(expected));
    }

    @Test
    void aNonObjectPatchReplacesTheTarget() throws Exception {
        assertThat(MergePatch.merge(json("{'a':'foo'}"), json("'bar'"))).isEqualTo(json("'bar'"));
    }
}

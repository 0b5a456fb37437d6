package dev.trail.envs.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.envs.token.Expressions.Evaluation;
import dev.trail.envs.token.Expressions.Rules;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExpressionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2+3*4       | 14",   // * before +
        "(2+3)*4     | 20",
        "10-4-3      | 3",    // left-associative: (10-4)-3
        "10-(4-3)    | 9",
        "48/4/2      | 6",     // (48/4)/2
        "48/(4/2)    | 24",
        "2*3-4*5     | -14",   // negative values are fine
        " ( 8 - 5 ) * 7 + 3 | 24",
        "0           | 0",
        "((((7))))   | 7",
        "7-7*1       | 0",
    })
    void precedenceAndParentheses(String text, String value) {
        Evaluation e = Expressions.evaluate(text, Rules.COUNTDOWN);
        assertTrue(e.ok(), e.error());
        assertEquals(value.trim(), e.value().toString());
    }

    @Test
    void literalsAreListedInOrder() {
        assertEquals(List.of(8L, 5L, 7L, 3L), Expressions.evaluate("(8-5)*7+3", Rules.COUNTDOWN).literals());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''           | empty expression",
        "2+           | ends where a number was expected",
        "(2+3         | missing ')'",
        "2+3)         | unexpected ')'",
        "2 3          | unexpected '3'",
        "07+1         | leading zero",
        "-3+5         | expected a number",        // no unary minus in Countdown
        "7/2          | 7/2 is not an integer",
        "7/(3-3)      | division by zero",
        "a+1          | expected a number",
        "2**3         | expected a number",
        "9999999999*9999999999 | overflow",
        "1234567890123456789 | too long",
    })
    void errorsAreReportedNotThrown(String text, String message) {
        Evaluation e = Expressions.evaluate(text, Rules.COUNTDOWN);
        assertFalse(e.ok());
        assertNull(e.value());
        assertTrue(e.error().contains(message.trim()), e.error());
    }

    @Test
    void calculatorRulesAllowUnaryMinusAndFractions() {
        assertEquals("-2", Expressions.evaluate("-5+3", Rules.CALCULATOR).value().toString());
        assertEquals("7/2", Expressions.evaluate("7/2", Rules.CALCULATOR).value().toString());
        assertEquals("5", Expressions.evaluate("--5", Rules.CALCULATOR).value().toString());
        // 24 game: 8/(3-8/3) = 24 needs fractional intermediates
        assertEquals("24", Expressions.evaluate("8/(3-8/3)", new Rules(false, false)).value().toString());
        assertFalse(Expressions.evaluate("8/(3-8/3)", Rules.COUNTDOWN).ok());
        assertFalse(Expressions.evaluate("1/0", Rules.CALCULATOR).ok());
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "(".repeat(10_000) + "1" + ")".repeat(10_000);
        assertFalse(Expressions.evaluate(deep, Rules.CALCULATOR).ok());
        assertFalse(Expressions.evaluate("-".repeat(10_000) + "1", Rules.CALCULATOR).ok());
    }
}

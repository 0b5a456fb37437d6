package dev.trail.envs.token;

import dev.trail.token.Transcript;
import dev.trail.token.Verdict;
import dev.trail.token.Vocabulary;
import dev.trail.token.ResponseBuilder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trail.envs.token.CalculatorTask.Calculation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalculatorTaskTest {

    private final CalculatorTask task = new CalculatorTask(CalculatorTask.Config.defaults().withFormatReward(0.1));
    private final Calculation problem = new Calculation(347, 86, 512, true);

    @Test
    void promptAndDemonstration() {
        assertEquals("347*86+512=", task.prompt(problem));
        assertEquals(30354, problem.answer());
        assertEquals("<calc>347*86+512</calc><answer>30354</answer>", task.demonstration(problem));
        assertEquals("86*347+512", problem.key());
        assertEquals("<answer>30354</answer>",
                new CalculatorTask(CalculatorTask.Config.defaults().withMaxToolCalls(0)).demonstration(problem));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<calc>347*86+512</calc>=30354<answer>30354</answer>      | 1.0 | true  | true",
        "<answer>30354</answer>                                    | 1.0 | true  | true",   // the tool is optional
        "<calc>347*86</calc>=29842<answer>30354</answer>           | 1.0 | true  | true",
        "<answer>30353</answer>                                    | 0.1 | false | true",
        "<answer>030354</answer>                                   | 0.0 | false | false",
        "<answer>30354</answer>30354                               | 0.0 | false | false",  // text after the answer
        "<answer>1</answer><answer>30354</answer>                  | 0.0 | false | false",  // several answers
        "30354                                                     | 0.0 | false | false",
        "<answer></answer>                                         | 0.0 | false | false",
        "<answer>30354                                             | 0.0 | false | false",
        "<answer>                                                  | 0.0 | false | false",
        "<answer>/answer>                                          | 0.0 | false | false",
    })
    void verifies(String response, double reward, boolean correct, boolean formatOk) {
        Verdict v = task.verify(problem, response);
        assertEquals(reward, v.reward(), v.note());
        assertEquals(correct, v.correct(), v.note());
        assertEquals(formatOk, v.formatOk(), v.note());
    }

    private static int[] feed(ResponseBuilder b, String text) {
        int[] ids = Vocabulary.encode(text);
        int[] lastTool = new int[0];
        for (int id : ids) {
            int[] out = b.append(id);
            if (out.length > 0) {
                lastTool = out;
            }
        }
        return lastTool;
    }

    @Test
    void toolResultIsAppendedAfterTheClosingTagAndMaskedOut() {
        ResponseBuilder b = new ResponseBuilder(task, problem, 128, 64);
        int promptLength = b.promptLength();
        assertEquals(1 + "347*86+512=".length(), promptLength);
        // every token before the closing '>' returns nothing
        int[] call = Vocabulary.encode("<calc>347*86</calc>");
        for (int i = 0; i < call.length - 1; i++) {
            assertEquals(0, b.append(call[i]).length);
        }
        int[] out = b.append(call[call.length - 1]);
        assertArrayEquals(Vocabulary.encode("=29842"), out);
        assertEquals("<calc>347*86</calc>=29842", b.responseText());
        feed(b, "<answer>30354</answer>");
        b.append(Vocabulary.EOS);
        Transcript t = b.transcript();
        assertTrue(t.terminated());
        assertTrue(t.verdict().correct());
        assertEquals(1, t.toolCalls());
        boolean[] trained = t.trained();
        String text = "<calc>347*86</calc>=29842<answer>30354</answer>";
        assertEquals(text.length() + 1, trained.length);
        for (int i = 0; i < trained.length; i++) {
            boolean toolOutput = i >= "<calc>347*86</calc>".length() && i < "<calc>347*86</calc>=29842".length();
            assertEquals(!toolOutput, trained[i], "position " + i);
        }
        assertEquals(Vocabulary.EOS, t.responseTokens()[trained.length - 1]);
        assertTrue(trained[trained.length - 1], "EOS is trained on");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<calc>347*</calc>          | =<err>",
        "<calc>347*86)</calc>       | =<err>",
        "<calc>abc</calc>           | =<err>",
        "<calc></calc>              | =<err>",
        "<calc>1/0</calc>           | =<err>",
        "<calc>99999999999*99999999999</calc> | =<err>",
        "</calc>                    | =<err>",   // no opening tag
        "hello</calc>               | =<err>",
        "<calc>7/2</calc>           | =7/2",
        "<calc>-5+3</calc>          | =-2",
        "<calc>(1+2)*3</calc>       | =9",
        "<calc>1+<calc>2*3</calc>   | =6",      // the last opening tag counts
    })
    void toolObservations(String text, String observation) {
        ResponseBuilder b = new ResponseBuilder(task, problem, 128, 64);
        assertEquals(observation, Vocabulary.decode(feed(b, text)));
        assertFalse(b.done());
        assertEquals(text + observation, b.responseText());
    }

    @Test
    void anOpeningTagBeforeAnEarlierToolOutputDoesNotCount() {
        ResponseBuilder b = new ResponseBuilder(task, problem, 128, 64);
        feed(b, "<calc>2+2</calc>");
        assertEquals("=<err>", Vocabulary.decode(feed(b, "5</calc>")));
    }

    @Test
    void callsBeyondTheLimitAreRefused() {
        CalculatorTask limited = new CalculatorTask(CalculatorTask.Config.defaults().withMaxToolCalls(2));
        ResponseBuilder b = new ResponseBuilder(limited, problem, 256, 200);
        assertEquals("=2", Vocabulary.decode(feed(b, "<calc>1+1</calc>")));
        assertEquals("=<err>", Vocabulary.decode(feed(b, "<calc>x</calc>")), "a failed call still counts");
        assertEquals("=<limit>", Vocabulary.decode(feed(b, "<calc>2+2</calc>")));
        assertEquals("=<limit>", Vocabulary.decode(feed(b, "<calc>3+3</calc>")));
        assertEquals(4, b.toolCalls());
        CalculatorTask none = new CalculatorTask(CalculatorTask.Config.defaults().withMaxToolCalls(0));
        ResponseBuilder b0 = new ResponseBuilder(none, problem, 256, 200);
        assertEquals("=<limit>", Vocabulary.decode(feed(b0, "<calc>1+1</calc>")));
    }

    @Test
    void toolOutputIsCutAtTheBudget() {
        // budget 21: "<calc>347*86</calc>" is 19 tokens, only "=2" of "=29842" fits
        ResponseBuilder b = new ResponseBuilder(task, problem, 128, 21);
        int[] out = feed(b, "<calc>347*86</calc>");
        assertEquals("=2", Vocabulary.decode(out));
        assertTrue(b.truncated());
        assertFalse(b.terminated());
        Transcript t = b.transcript();
        assertEquals(21, t.responseLength());
        assertEquals(18, t.lastTrainedIndex(), "the reward goes on the closing '>', the last policy token");
        assertEquals(0.0, t.reward());
    }
}

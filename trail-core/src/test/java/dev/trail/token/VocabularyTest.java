package dev.trail.token;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void layoutIsFixed() {
        assertEquals(53, Vocabulary.size());
        assertEquals(0, Vocabulary.PAD);
        assertEquals(1, Vocabulary.BOS);
        assertEquals(2, Vocabulary.EOS);
        // digits 3..12, then " +-*/=()<>:,.?" 13..26, then a..z 27..52
        assertArrayEquals(new int[] {3, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 26, 27, 52},
                Vocabulary.encode("09 +-*/=()<>?az"));
    }

    @Test
    void encodeDecodeRoundTripsEveryTaskCharacter() {
        String text = "<calc>347*86+512</calc>=30354<answer>30354</answer> make 24 from 3 5 7 8:(8-5)*7+3 =<err>";
        assertEquals(text, Vocabulary.decode(Vocabulary.encode(text)));
        Set<Integer> ids = new HashSet<>();
        for (int id : Vocabulary.encode("0123456789 +-*/=()<>:,.?abcdefghijklmnopqrstuvwxyz")) {
            assertTrue(ids.add(id), "ids are distinct");
            assertTrue(id >= 3 && id < Vocabulary.SIZE);
        }
        assertEquals(50, ids.size());
    }

    @Test
    void specialTokensDecodeToBracketedNames() {
        assertEquals("[BOS]1+1=[EOS][PAD]", Vocabulary.decode(new int[] {1, 4, 14, 4, 18, 2, 0}));
    }

    @Test
    void unknownCharacterIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.encode("12A"));
        assertTrue(e.getMessage().contains("'A'"), e.getMessage());
        assertTrue(e.getMessage().contains("index 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.encode("1\n"));
        assertTrue(e.getMessage().contains("U+000A"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.decode(new int[] {53}));
    }
}

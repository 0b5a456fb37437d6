package dev.trail.token;

/**
 * A tool the policy can call in the middle of a response by writing
 * {@code openTag() ARGUMENT closeTag()}. When the policy's last token completes
 * {@link #closeTag()}, the text since the last {@link #openTag()} is passed to {@link #run}
 * and the returned observation is appended to the context as tool-output tokens (never trained
 * on). A call without an opening tag, or one the tool cannot parse, yields an error observation,
 * never an exception.
 */
public interface Tool {

    /** The tag that opens a call, e.g. {@code <calc>}. */
    String openTag();

    /** The tag that closes a call and runs it, e.g. {@code </calc>}. */
    String closeTag();

    /**
     * The observation for a call with {@code argument} (the text between the tags): a result such
     * as {@code =3293}, or an error observation. Never throws; the text must be in the
     * {@link Vocabulary}.
     */
    String run(String argument);

    /** The observation for a call with no opening tag before its closing tag. */
    String unopenedObservation();

    /** The observation for a call made after the episode's tool-call budget is spent. */
    String limitObservation();
}

package dev.meshwire.signaling.frame;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record whose JSON object may hold only the record's own keys: {@link FrameCodec} refuses any other key
 * instead of ignoring it (the rule for every other object). Used where a key that is ignored would change meaning
 * unseen: {@code envelope.meta} is signed as a whole, so an unknown key could neither be verified nor forwarded.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ClosedKeys {
    /** How the object is named in refusals, e.g. {@code meta}. */
    String value();
}

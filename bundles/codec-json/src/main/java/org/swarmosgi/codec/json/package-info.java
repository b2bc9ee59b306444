/** A {@link org.swarmosgi.api.Codec} for records and plain objects as JSON. */
@Export
@Version("1.0.0")
package org.swarmosgi.codec.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

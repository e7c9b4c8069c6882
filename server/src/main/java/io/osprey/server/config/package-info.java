/** livekit-server's configuration: YAML keys and defaults, flags, environment variables, strict checking. */
package io.osprey.server.config;

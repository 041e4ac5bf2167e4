UPDATE reports SET body_sha256 = lower(hex(body_sha256));

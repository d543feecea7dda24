-- Two users (passwords "test" and "other", cheap PBKDF2 hashes so the tests stay fast)
-- and one post by "test".
INSERT INTO user (username, password)
VALUES
  ('test', 'pbkdf2:sha256:1000$snwmycvG$77d0156207d9d6f73e5934b096af3ba3194a91833722dabb51ae4f98e0216f70'),
  ('other', 'pbkdf2:sha256:1000$UkwKw2gR$c9f2465e26f6d1ae3565942dd8a5e5dbd2d4a1d9403be1abe26ccf663e9cb7ad');

INSERT INTO post (title, body, author_id, created)
VALUES
  ('test title', 'test' || x'0a' || 'body', 1, '2018-01-01 00:00:00');

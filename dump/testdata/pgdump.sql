--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
CREATE TABLE public.contacts (
    id integer NOT NULL,
    full_name text,
    email character varying(255),
    phone text,
    CONSTRAINT contacts_pkey PRIMARY KEY (id)
);
COPY public.contacts (id, full_name, email, phone) FROM stdin;
1	Jeanne Martin	jeanne.martin@acme.test	+33612345678
2	Paul Durand	p.durand@acme.test	\N
3	Yann Le\tGall	yann.legall@mairie-brest.test	+33298001122
\.

CREATE TABLE `users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `login` varchar(64),
  `password_hash` varchar(255),
  PRIMARY KEY (`id`)
);
INSERT INTO `users` VALUES (1,'jmartin','$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'),(2,'pdurand','$2y$10$abcdefghijklmnopqrstuuVQ1d8Ff0vC2zKXzqZ9kqzN1b3rYc0a.');
INSERT INTO `users` VALUES (3,'o\'brien','$2y$10$ZYXWVUTSRQPONMLKJIHGFeZb7wP2n9w3rQ0Hk3t9bYy6bYcD5tJ3K');

--
-- PostgreSQL database dump
--

\restrict rZ2hTQJMXsggMoKLQdhZJtayWDaJeSzUzZe3zXJwL7hjCpgg8F9sqP5EGshg9ew

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: crm; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA "crm";


--
-- Name: SCHEMA "public"; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA "public" IS 'standard public schema';


--
-- Name: touch(); Type: FUNCTION; Schema: crm; Owner: -
--

CREATE FUNCTION "crm"."touch"() RETURNS "trigger"
    LANGUAGE "plpgsql"
    AS $$
BEGIN
	INSERT INTO crm.log VALUES (now(), 'touched; ''x''');
	RETURN NEW;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = "heap";

--
-- Name: contacts; Type: TABLE; Schema: crm; Owner: -
--

CREATE TABLE "crm"."contacts" (
    "contact_id" integer NOT NULL,
    "E-mail" "text" NOT NULL,
    "note" "text",
    "photo" "bytea",
    "last_seen" timestamp with time zone
);


--
-- Name: log; Type: TABLE; Schema: crm; Owner: -
--

CREATE TABLE "crm"."log" (
    "at" timestamp with time zone,
    "what" "text"
);


--
-- Name: Contacts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE "public"."Contacts" (
    "id" "text" NOT NULL,
    "first_name" "text",
    "last_name" "text",
    "email" "text",
    "phone" "text",
    "organisation" "text",
    "city" "text",
    "country" "text"
);


--
-- Data for Name: contacts; Type: TABLE DATA; Schema: crm; Owner: -
--

INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1000, 'amelie.vidal@mairiesaint.fr', 'Rappel le Paris:
	ligne 2 avec « guillemets » et \ barre
Mairie de Saint-Étienne-du-Bois', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1001, 'elodie.rousseau@conseilgard.fr', 'C:\partage\Rousseau.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1002, 'quentin.fabre@societesa.fr', NULL, '\xc93dd6afa2e12dbc321dcbdcc94fbb63', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1003, 'jurgen.caron@hopitaltille.fr', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1004, 'elodie.muller@gmbh.de', 'Rappel le Berlin:
	ligne 2 avec « guillemets » et \ barre
Brandt & Söhne GmbH', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1005, 'william.durand@malaga.es', 'C:\partage\Durand.txt; ''cité'' "ici"', '\xbb08629d2844a1a2071f5a326785f775', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1006, 'jurgen.lefevre@bv.nl', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1007, 'xavier.chatelain@bolzano.it', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1008, 'gaelle.fabre@parc.be', 'Rappel le Bruxelles:
	ligne 2 avec « guillemets » et \ barre
Clinique; du Parc', '\xd2f0afc7a39fbeb67440e552a6a89aef', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1009, 'maelys.garcia@sarl.lu', 'C:\partage\García.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1010, 'sebastien.fabre@mairiesaint.fr', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1011, 'elodie.vidal@conseilgard.fr', 'VALUES (1, ''x''); -- pas du SQL', '\x226450f0e264d34b96de8f5795edf4c1', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1012, 'yasmine.lemaire@societesa.fr', 'Rappel le Nîmes:
	ligne 2 avec « guillemets » et \ barre
Société Générale d''Équipements, S.A.', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1013, 'jerome.schmitt@hopitaltille.fr', 'C:\partage\Schmitt.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1014, 'jurgen.nguyen@gmbh.de', NULL, '\xcc79409bfb018c4cf7f394cb602239f4', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1015, 'ulrich.guerin@malaga.es', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1016, 'ulrich.lefevre@bv.nl', 'Rappel le Amsterdam:
	ligne 2 avec « guillemets » et \ barre
Van Dijk Logistiek B.V.', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1017, 'jose.rossi@bolzano.it', 'C:\partage\Rossi.txt; ''cité'' "ici"', '\xd03b0d59976dd2954acd36a8f6aeadc7', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1018, 'benoit.rossi@parc.be', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1019, 'jerome.obrien@sarl.lu', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1020, 'jose.faure@mairiesaint.fr', 'Rappel le Paris:
	ligne 2 avec « guillemets » et \ barre
Mairie de Saint-Étienne-du-Bois', '\x8ebd1a818d773f52b95e2834143e67aa', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1021, 'amelie.rousseau@conseilgard.fr', 'C:\partage\Rousseau.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1022, 'soren.dasilva@societesa.fr', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1023, 'malgorzata.chatelain@hopitaltille.fr', 'VALUES (1, ''x''); -- pas du SQL', '\xba583c8ae688d61b1c14910617d359c6', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1024, 'valerie.kowalski@gmbh.de', 'Rappel le Berlin:
	ligne 2 avec « guillemets » et \ barre
Brandt & Söhne GmbH', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1025, 'maelys.nguyen@malaga.es', 'C:\partage\Nguyen.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1026, 'noel.durand@bv.nl', NULL, '\x576135591f2f3c00e0a9bd2bca057621', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1027, 'valerie.vidal@bolzano.it', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1028, 'karine.lefevre@parc.be', 'Rappel le Bruxelles:
	ligne 2 avec « guillemets » et \ barre
Clinique; du Parc', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1029, 'jerome.dasilva@sarl.lu', 'C:\partage\Da Silva.txt; ''cité'' "ici"', '\xfb21df064f41000dfa49c62d32ce5e1a', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1030, 'dominique.kowalski@mairiesaint.fr', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1031, 'pascal.leroy@conseilgard.fr', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1032, 'soren.vandenberg@societesa.fr', 'Rappel le Reims:
	ligne 2 avec « guillemets » et \ barre
Société Générale d''Équipements, S.A.', '\x41633809a7dcab5fd31640c9f7f79f9f', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1033, 'sebastien.schmitt@hopitaltille.fr', 'C:\partage\Schmitt.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1034, 'zoe.dupont-moreau@gmbh.de', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1035, 'oceane.rousseau@malaga.es', 'VALUES (1, ''x''); -- pas du SQL', '\xfaae97ffce85eb6f1adced2fe17ffb1c', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1036, 'yasmine.caron@bv.nl', 'Rappel le Amsterdam:
	ligne 2 avec « guillemets » et \ barre
Van Dijk Logistiek B.V.', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1037, 'noel.guerin@bolzano.it', 'C:\partage\Guérin.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1038, 'benoit.aubert@parc.be', NULL, '\xdaf3ea33ad77de036b52e1aead1f800d', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1039, 'karine.rousseau@sarl.lu', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1040, 'noel.kowalski@mairiesaint.fr', 'Rappel le Paris:
	ligne 2 avec « guillemets » et \ barre
Mairie de Saint-Étienne-du-Bois', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1041, 'pascal.vidal@conseilgard.fr', 'C:\partage\Vidal.txt; ''cité'' "ici"', '\x1beaeaf067fb04704156d534927a41c1', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1042, 'maelys.schmitt@societesa.fr', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1043, 'amelie.lemaire@hopitaltille.fr', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1044, 'elodie.picard@gmbh.de', 'Rappel le Berlin:
	ligne 2 avec « guillemets » et \ barre
Brandt & Söhne GmbH', '\xcb43221fcb2259c4ec0a51a3f71f2250', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1045, 'jurgen.rousseau@malaga.es', 'C:\partage\Rousseau.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1046, 'jurgen.rossi@bv.nl', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1047, 'zoe.guerin@bolzano.it', 'VALUES (1, ''x''); -- pas du SQL', '\x81f77edf434469bcbc5432cd069c96d1', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1048, 'dominique.blanc@parc.be', 'Rappel le Bruxelles:
	ligne 2 avec « guillemets » et \ barre
Clinique; du Parc', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1049, 'ulrich.faure@sarl.lu', 'C:\partage\Faure.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1050, 'quentin.caron@mairiesaint.fr', NULL, '\x9a92cf25809f173ba72ada78d49572df', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1051, 'noel.legoff@conseilgard.fr', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1052, 'william.schmitt@societesa.fr', 'Rappel le Paris:
	ligne 2 avec « guillemets » et \ barre
Société Générale d''Équipements, S.A.', NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1053, 'valerie.rossi@hopitaltille.fr', 'C:\partage\Rossi.txt; ''cité'' "ici"', '\x06719cc52fd6558379300e14ab45b803', NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1054, 'dominique.garcia@gmbh.de', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1055, 'pascal.roger@malaga.es', 'VALUES (1, ''x''); -- pas du SQL', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1056, 'oceane.faure@bv.nl', 'Rappel le Amsterdam:
	ligne 2 avec « guillemets » et \ barre
Van Dijk Logistiek B.V.', '\x60f22a4b72b29e856e8c4e95b25cc4f1', '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1057, 'zoe.vidal@bolzano.it', 'C:\partage\Vidal.txt; ''cité'' "ici"', NULL, NULL);
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1058, 'elodie.mercier@parc.be', NULL, NULL, '2024-03-01 12:00:00+00');
INSERT INTO "crm"."contacts" ("contact_id", "E-mail", "note", "photo", "last_seen") VALUES (1059, 'benoit.durand@sarl.lu', 'VALUES (1, ''x''); -- pas du SQL', '\x9eb95d30300b5161dd028e215316d9aa', NULL);


--
-- Data for Name: log; Type: TABLE DATA; Schema: crm; Owner: -
--



--
-- Data for Name: Contacts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1000', 'Amélie', 'Vidal', 'amelie.vidal@mairiesaint.fr', '+33 4 69 00 67 92', 'Mairie de Saint-Étienne-du-Bois', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1001', 'Élodie', 'Rousseau', 'elodie.rousseau@conseilgard.fr', '+33 4 06 66 65 35', 'Conseil départemental du Gard', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1002', 'Quentin', 'Fabre', 'quentin.fabre@societesa.fr', '+33 1 93 86 17 61', 'Société Générale d''Équipements, S.A.', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1003', 'Jürgen', 'Caron', 'jurgen.caron@hopitaltille.fr', '+33 3 98 98 73 10', 'Hôpital "Les Tilleuls"', 'Nîmes', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1004', 'Élodie', 'Müller', 'elodie.muller@gmbh.de', '+49 30 81953369', 'Brandt & Söhne GmbH', 'Berlin', 'DE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1005', 'William', 'Durand', 'william.durand@malaga.es', '+34 95 2873192', 'Ayuntamiento de Málaga', 'Málaga', 'ES');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1006', 'Jürgen', 'Lefèvre', 'jurgen.lefevre@bv.nl', '+31 20 4554108', 'Van Dijk Logistiek B.V.', 'Amsterdam', 'NL');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1007', 'Xavier', 'Châtelain', 'xavier.chatelain@bolzano.it', '+39 0471 664336', 'Comune di Bolzano', 'Bolzano', 'IT');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1008', 'Gaëlle', 'Fabre', 'gaelle.fabre@parc.be', '+32 2 7424366', 'Clinique; du Parc', 'Bruxelles', 'BE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1009', 'Maëlys', 'García', 'maelys.garcia@sarl.lu', '+352 200318', 'Data, Care & Co SARL', 'Luxembourg', 'LU');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1010', 'Sébastien', 'Fabre', 'sebastien.fabre@mairiesaint.fr', '+33 4 37 05 57 14', 'Mairie de Saint-Étienne-du-Bois', 'Lyon', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1011', 'Élodie', 'Vidal', 'elodie.vidal@conseilgard.fr', '+33 4 29 80 78 87', 'Conseil départemental du Gard', 'Reims', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1012', 'Yasmine', 'Lemaire', 'yasmine.lemaire@societesa.fr', '+33 1 04 06 36 91', 'Société Générale d''Équipements, S.A.', 'Nîmes', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1013', 'Jérôme', 'Schmitt', 'jerome.schmitt@hopitaltille.fr', '+33 3 87 71 00 81', 'Hôpital "Les Tilleuls"', 'Reims', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1014', 'Jürgen', 'Nguyen', 'jurgen.nguyen@gmbh.de', '+49 30 22698946', 'Brandt & Söhne GmbH', 'Berlin', 'DE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1015', 'Ulrich', 'Guérin', 'ulrich.guerin@malaga.es', '+34 95 3518688', 'Ayuntamiento de Málaga', 'Málaga', 'ES');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1016', 'Ulrich', 'Lefèvre', 'ulrich.lefevre@bv.nl', '+31 20 1687859', 'Van Dijk Logistiek B.V.', 'Amsterdam', 'NL');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1017', 'José', 'Rossi', 'jose.rossi@bolzano.it', '+39 0471 056333', 'Comune di Bolzano', 'Bolzano', 'IT');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1018', 'Benoît', 'Rossi', 'benoit.rossi@parc.be', '+32 2 5279357', 'Clinique; du Parc', 'Bruxelles', 'BE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1019', 'Jérôme', 'O''Brien', 'jerome.obrien@sarl.lu', '+352 244511', 'Data, Care & Co SARL', 'Luxembourg', 'LU');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1020', 'José', 'Faure', 'jose.faure@mairiesaint.fr', '+33 4 61 68 35 28', 'Mairie de Saint-Étienne-du-Bois', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1021', 'Amélie', 'Rousseau', 'amelie.rousseau@conseilgard.fr', '+33 4 40 44 56 27', 'Conseil départemental du Gard', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1022', 'Søren', 'Da Silva', 'soren.dasilva@societesa.fr', '+33 1 49 01 48 71', 'Société Générale d''Équipements, S.A.', 'Nîmes', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1023', 'Małgorzata', 'Châtelain', 'malgorzata.chatelain@hopitaltille.fr', '+33 3 93 65 81 32', 'Hôpital "Les Tilleuls"', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1024', 'Valérie', 'Kowalski', 'valerie.kowalski@gmbh.de', '+49 30 41536437', 'Brandt & Söhne GmbH', 'Berlin', 'DE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1025', 'Maëlys', 'Nguyen', 'maelys.nguyen@malaga.es', '+34 95 3511466', 'Ayuntamiento de Málaga', 'Málaga', 'ES');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1026', 'Noël', 'Durand', 'noel.durand@bv.nl', '+31 20 1877798', 'Van Dijk Logistiek B.V.', 'Amsterdam', 'NL');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1027', 'Valérie', 'Vidal', 'valerie.vidal@bolzano.it', '+39 0471 225273', 'Comune di Bolzano', 'Bolzano', 'IT');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1028', 'Karine', 'Lefèvre', 'karine.lefevre@parc.be', '+32 2 0915817', 'Clinique; du Parc', 'Bruxelles', 'BE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1029', 'Jérôme', 'Da Silva', 'jerome.dasilva@sarl.lu', '+352 270259', 'Data, Care & Co SARL', 'Luxembourg', 'LU');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1030', 'Dominique', 'Kowalski', 'dominique.kowalski@mairiesaint.fr', '+33 4 35 23 06 82', 'Mairie de Saint-Étienne-du-Bois', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1031', 'Pascal', 'Leroy', 'pascal.leroy@conseilgard.fr', '+33 4 81 30 19 79', 'Conseil départemental du Gard', 'Nîmes', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1032', 'Søren', 'Van den Berg', 'soren.vandenberg@societesa.fr', '+33 1 89 12 29 78', 'Société Générale d''Équipements, S.A.', 'Reims', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1033', 'Sébastien', 'Schmitt', 'sebastien.schmitt@hopitaltille.fr', '+33 3 54 39 57 50', 'Hôpital "Les Tilleuls"', 'Lyon', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1034', 'Zoé', 'Dupont-Moreau', 'zoe.dupont-moreau@gmbh.de', '+49 30 43205547', 'Brandt & Söhne GmbH', 'Berlin', 'DE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1035', 'Océane', 'Rousseau', 'oceane.rousseau@malaga.es', '+34 95 1883812', 'Ayuntamiento de Málaga', 'Málaga', 'ES');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1036', 'Yasmine', 'Caron', 'yasmine.caron@bv.nl', '+31 20 4199556', 'Van Dijk Logistiek B.V.', 'Amsterdam', 'NL');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1037', 'Noël', 'Guérin', 'noel.guerin@bolzano.it', '+39 0471 045570', 'Comune di Bolzano', 'Bolzano', 'IT');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1038', 'Benoît', 'Aubert', 'benoit.aubert@parc.be', '+32 2 8879416', 'Clinique; du Parc', 'Bruxelles', 'BE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1039', 'Karine', 'Rousseau', 'karine.rousseau@sarl.lu', '+352 260625', 'Data, Care & Co SARL', 'Luxembourg', 'LU');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1040', 'Noël', 'Kowalski', 'noel.kowalski@mairiesaint.fr', '+33 4 20 69 86 00', 'Mairie de Saint-Étienne-du-Bois', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1041', 'Pascal', 'Vidal', 'pascal.vidal@conseilgard.fr', '+33 4 71 64 58 09', 'Conseil départemental du Gard', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1042', 'Maëlys', 'Schmitt', 'maelys.schmitt@societesa.fr', '+33 1 29 00 60 08', 'Société Générale d''Équipements, S.A.', 'Reims', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1043', 'Amélie', 'Lemaire', 'amelie.lemaire@hopitaltille.fr', '+33 3 71 79 99 95', 'Hôpital "Les Tilleuls"', 'Nîmes', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1044', 'Élodie', 'Picard', 'elodie.picard@gmbh.de', '+49 30 75849079', 'Brandt & Söhne GmbH', 'Berlin', 'DE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1045', 'Jürgen', 'Rousseau', 'jurgen.rousseau@malaga.es', '+34 95 4706346', 'Ayuntamiento de Málaga', 'Málaga', 'ES');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1046', 'Jürgen', 'Rossi', 'jurgen.rossi@bv.nl', '+31 20 7331910', 'Van Dijk Logistiek B.V.', 'Amsterdam', 'NL');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1047', 'Zoé', 'Guérin', 'zoe.guerin@bolzano.it', '+39 0471 135068', 'Comune di Bolzano', 'Bolzano', 'IT');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1048', 'Dominique', 'Blanc', 'dominique.blanc@parc.be', '+32 2 5799421', 'Clinique; du Parc', 'Bruxelles', 'BE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1049', 'Ulrich', 'Faure', 'ulrich.faure@sarl.lu', '+352 208904', 'Data, Care & Co SARL', 'Luxembourg', 'LU');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1050', 'Quentin', 'Caron', 'quentin.caron@mairiesaint.fr', '+33 4 21 81 02 13', 'Mairie de Saint-Étienne-du-Bois', 'Lyon', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1051', 'Noël', 'Le Goff', 'noel.legoff@conseilgard.fr', '+33 4 50 73 02 90', 'Conseil départemental du Gard', 'Lyon', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1052', 'William', 'Schmitt', 'william.schmitt@societesa.fr', '+33 1 40 53 08 07', 'Société Générale d''Équipements, S.A.', 'Paris', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1053', 'Valérie', 'Rossi', 'valerie.rossi@hopitaltille.fr', '+33 3 47 16 75 58', 'Hôpital "Les Tilleuls"', 'Reims', 'FR');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1054', 'Dominique', 'García', 'dominique.garcia@gmbh.de', '+49 30 98462806', 'Brandt & Söhne GmbH', 'Berlin', 'DE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1055', 'Pascal', 'Roger', 'pascal.roger@malaga.es', '+34 95 3171751', 'Ayuntamiento de Málaga', 'Málaga', 'ES');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1056', 'Océane', 'Faure', 'oceane.faure@bv.nl', '+31 20 6069178', 'Van Dijk Logistiek B.V.', 'Amsterdam', 'NL');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1057', 'Zoé', 'Vidal', 'zoe.vidal@bolzano.it', '+39 0471 837677', 'Comune di Bolzano', 'Bolzano', 'IT');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1058', 'Élodie', 'Mercier', 'elodie.mercier@parc.be', '+32 2 2423825', 'Clinique; du Parc', 'Bruxelles', 'BE');
INSERT INTO "public"."Contacts" ("id", "first_name", "last_name", "email", "phone", "organisation", "city", "country") VALUES ('C1059', 'Benoît', 'Durand', 'benoit.durand@sarl.lu', '+352 202375', 'Data, Care & Co SARL', 'Luxembourg', 'LU');


--
-- Name: contacts contacts_pkey; Type: CONSTRAINT; Schema: crm; Owner: -
--

ALTER TABLE ONLY "crm"."contacts"
    ADD CONSTRAINT "contacts_pkey" PRIMARY KEY ("contact_id");


--
-- Name: Contacts Contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY "public"."Contacts"
    ADD CONSTRAINT "Contacts_pkey" PRIMARY KEY ("id");


--
-- Name: contacts touch; Type: TRIGGER; Schema: crm; Owner: -
--

CREATE TRIGGER "touch" AFTER UPDATE ON "crm"."contacts" FOR EACH ROW EXECUTE FUNCTION "crm"."touch"();


--
-- PostgreSQL database dump complete
--

\unrestrict rZ2hTQJMXsggMoKLQdhZJtayWDaJeSzUzZe3zXJwL7hjCpgg8F9sqP5EGshg9ew


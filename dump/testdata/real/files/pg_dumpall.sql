--
-- PostgreSQL database cluster dump
--

\restrict eRQcN8LPWKQYpfTuhmkZ6hvqibHYa2a5J5wfGJqAnUmXT9ayt6XQObY10FLuzqx

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

--
-- Roles
--

CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;

--
-- User Configurations
--








\unrestrict eRQcN8LPWKQYpfTuhmkZ6hvqibHYa2a5J5wfGJqAnUmXT9ayt6XQObY10FLuzqx

--
-- Databases
--

--
-- Database "template1" dump
--

\connect template1

--
-- PostgreSQL database dump
--

\restrict TkGzyB6tLtuJehaqDi5mZHJHUjtecB2rnd5lOseuJDT5YfbNDxyjeltOJ2zKGOT

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
-- PostgreSQL database dump complete
--

\unrestrict TkGzyB6tLtuJehaqDi5mZHJHUjtecB2rnd5lOseuJDT5YfbNDxyjeltOJ2zKGOT

--
-- Database "leak" dump
--

--
-- PostgreSQL database dump
--

\restrict AGGxeKlVuUiUdmp3mOZSd59uufPtiUVaQ6grtfB6Xca0XeLjDwCIiIz4fTT3Tul

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
-- Name: leak; Type: DATABASE; Schema: -; Owner: postgres
--

CREATE DATABASE leak WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C';


ALTER DATABASE leak OWNER TO postgres;

\unrestrict AGGxeKlVuUiUdmp3mOZSd59uufPtiUVaQ6grtfB6Xca0XeLjDwCIiIz4fTT3Tul
\connect leak
\restrict AGGxeKlVuUiUdmp3mOZSd59uufPtiUVaQ6grtfB6Xca0XeLjDwCIiIz4fTT3Tul

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
-- Name: crm; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA crm;


ALTER SCHEMA crm OWNER TO postgres;

--
-- Name: touch(); Type: FUNCTION; Schema: crm; Owner: postgres
--

CREATE FUNCTION crm.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	INSERT INTO crm.log VALUES (now(), 'touched; ''x''');
	RETURN NEW;
END
$$;


ALTER FUNCTION crm.touch() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: contacts; Type: TABLE; Schema: crm; Owner: postgres
--

CREATE TABLE crm.contacts (
    contact_id integer NOT NULL,
    "E-mail" text NOT NULL,
    note text,
    photo bytea,
    last_seen timestamp with time zone
);


ALTER TABLE crm.contacts OWNER TO postgres;

--
-- Name: log; Type: TABLE; Schema: crm; Owner: postgres
--

CREATE TABLE crm.log (
    at timestamp with time zone,
    what text
);


ALTER TABLE crm.log OWNER TO postgres;

--
-- Name: Contacts; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."Contacts" (
    id text NOT NULL,
    first_name text,
    last_name text,
    email text,
    phone text,
    organisation text,
    city text,
    country text
);


ALTER TABLE public."Contacts" OWNER TO postgres;

--
-- Data for Name: contacts; Type: TABLE DATA; Schema: crm; Owner: postgres
--

COPY crm.contacts (contact_id, "E-mail", note, photo, last_seen) FROM stdin;
1000	amelie.vidal@mairiesaint.fr	Rappel le Paris:\n\tligne 2 avec « guillemets » et \\ barre\nMairie de Saint-Étienne-du-Bois	\N	2024-03-01 12:00:00+00
1001	elodie.rousseau@conseilgard.fr	C:\\partage\\Rousseau.txt; 'cité' "ici"	\N	\N
1002	quentin.fabre@societesa.fr	\N	\\xc93dd6afa2e12dbc321dcbdcc94fbb63	2024-03-01 12:00:00+00
1003	jurgen.caron@hopitaltille.fr	VALUES (1, 'x'); -- pas du SQL	\N	\N
1004	elodie.muller@gmbh.de	Rappel le Berlin:\n\tligne 2 avec « guillemets » et \\ barre\nBrandt & Söhne GmbH	\N	2024-03-01 12:00:00+00
1005	william.durand@malaga.es	C:\\partage\\Durand.txt; 'cité' "ici"	\\xbb08629d2844a1a2071f5a326785f775	\N
1006	jurgen.lefevre@bv.nl	\N	\N	2024-03-01 12:00:00+00
1007	xavier.chatelain@bolzano.it	VALUES (1, 'x'); -- pas du SQL	\N	\N
1008	gaelle.fabre@parc.be	Rappel le Bruxelles:\n\tligne 2 avec « guillemets » et \\ barre\nClinique; du Parc	\\xd2f0afc7a39fbeb67440e552a6a89aef	2024-03-01 12:00:00+00
1009	maelys.garcia@sarl.lu	C:\\partage\\García.txt; 'cité' "ici"	\N	\N
1010	sebastien.fabre@mairiesaint.fr	\N	\N	2024-03-01 12:00:00+00
1011	elodie.vidal@conseilgard.fr	VALUES (1, 'x'); -- pas du SQL	\\x226450f0e264d34b96de8f5795edf4c1	\N
1012	yasmine.lemaire@societesa.fr	Rappel le Nîmes:\n\tligne 2 avec « guillemets » et \\ barre\nSociété Générale d'Équipements, S.A.	\N	2024-03-01 12:00:00+00
1013	jerome.schmitt@hopitaltille.fr	C:\\partage\\Schmitt.txt; 'cité' "ici"	\N	\N
1014	jurgen.nguyen@gmbh.de	\N	\\xcc79409bfb018c4cf7f394cb602239f4	2024-03-01 12:00:00+00
1015	ulrich.guerin@malaga.es	VALUES (1, 'x'); -- pas du SQL	\N	\N
1016	ulrich.lefevre@bv.nl	Rappel le Amsterdam:\n\tligne 2 avec « guillemets » et \\ barre\nVan Dijk Logistiek B.V.	\N	2024-03-01 12:00:00+00
1017	jose.rossi@bolzano.it	C:\\partage\\Rossi.txt; 'cité' "ici"	\\xd03b0d59976dd2954acd36a8f6aeadc7	\N
1018	benoit.rossi@parc.be	\N	\N	2024-03-01 12:00:00+00
1019	jerome.obrien@sarl.lu	VALUES (1, 'x'); -- pas du SQL	\N	\N
1020	jose.faure@mairiesaint.fr	Rappel le Paris:\n\tligne 2 avec « guillemets » et \\ barre\nMairie de Saint-Étienne-du-Bois	\\x8ebd1a818d773f52b95e2834143e67aa	2024-03-01 12:00:00+00
1021	amelie.rousseau@conseilgard.fr	C:\\partage\\Rousseau.txt; 'cité' "ici"	\N	\N
1022	soren.dasilva@societesa.fr	\N	\N	2024-03-01 12:00:00+00
1023	malgorzata.chatelain@hopitaltille.fr	VALUES (1, 'x'); -- pas du SQL	\\xba583c8ae688d61b1c14910617d359c6	\N
1024	valerie.kowalski@gmbh.de	Rappel le Berlin:\n\tligne 2 avec « guillemets » et \\ barre\nBrandt & Söhne GmbH	\N	2024-03-01 12:00:00+00
1025	maelys.nguyen@malaga.es	C:\\partage\\Nguyen.txt; 'cité' "ici"	\N	\N
1026	noel.durand@bv.nl	\N	\\x576135591f2f3c00e0a9bd2bca057621	2024-03-01 12:00:00+00
1027	valerie.vidal@bolzano.it	VALUES (1, 'x'); -- pas du SQL	\N	\N
1028	karine.lefevre@parc.be	Rappel le Bruxelles:\n\tligne 2 avec « guillemets » et \\ barre\nClinique; du Parc	\N	2024-03-01 12:00:00+00
1029	jerome.dasilva@sarl.lu	C:\\partage\\Da Silva.txt; 'cité' "ici"	\\xfb21df064f41000dfa49c62d32ce5e1a	\N
1030	dominique.kowalski@mairiesaint.fr	\N	\N	2024-03-01 12:00:00+00
1031	pascal.leroy@conseilgard.fr	VALUES (1, 'x'); -- pas du SQL	\N	\N
1032	soren.vandenberg@societesa.fr	Rappel le Reims:\n\tligne 2 avec « guillemets » et \\ barre\nSociété Générale d'Équipements, S.A.	\\x41633809a7dcab5fd31640c9f7f79f9f	2024-03-01 12:00:00+00
1033	sebastien.schmitt@hopitaltille.fr	C:\\partage\\Schmitt.txt; 'cité' "ici"	\N	\N
1034	zoe.dupont-moreau@gmbh.de	\N	\N	2024-03-01 12:00:00+00
1035	oceane.rousseau@malaga.es	VALUES (1, 'x'); -- pas du SQL	\\xfaae97ffce85eb6f1adced2fe17ffb1c	\N
1036	yasmine.caron@bv.nl	Rappel le Amsterdam:\n\tligne 2 avec « guillemets » et \\ barre\nVan Dijk Logistiek B.V.	\N	2024-03-01 12:00:00+00
1037	noel.guerin@bolzano.it	C:\\partage\\Guérin.txt; 'cité' "ici"	\N	\N
1038	benoit.aubert@parc.be	\N	\\xdaf3ea33ad77de036b52e1aead1f800d	2024-03-01 12:00:00+00
1039	karine.rousseau@sarl.lu	VALUES (1, 'x'); -- pas du SQL	\N	\N
1040	noel.kowalski@mairiesaint.fr	Rappel le Paris:\n\tligne 2 avec « guillemets » et \\ barre\nMairie de Saint-Étienne-du-Bois	\N	2024-03-01 12:00:00+00
1041	pascal.vidal@conseilgard.fr	C:\\partage\\Vidal.txt; 'cité' "ici"	\\x1beaeaf067fb04704156d534927a41c1	\N
1042	maelys.schmitt@societesa.fr	\N	\N	2024-03-01 12:00:00+00
1043	amelie.lemaire@hopitaltille.fr	VALUES (1, 'x'); -- pas du SQL	\N	\N
1044	elodie.picard@gmbh.de	Rappel le Berlin:\n\tligne 2 avec « guillemets » et \\ barre\nBrandt & Söhne GmbH	\\xcb43221fcb2259c4ec0a51a3f71f2250	2024-03-01 12:00:00+00
1045	jurgen.rousseau@malaga.es	C:\\partage\\Rousseau.txt; 'cité' "ici"	\N	\N
1046	jurgen.rossi@bv.nl	\N	\N	2024-03-01 12:00:00+00
1047	zoe.guerin@bolzano.it	VALUES (1, 'x'); -- pas du SQL	\\x81f77edf434469bcbc5432cd069c96d1	\N
1048	dominique.blanc@parc.be	Rappel le Bruxelles:\n\tligne 2 avec « guillemets » et \\ barre\nClinique; du Parc	\N	2024-03-01 12:00:00+00
1049	ulrich.faure@sarl.lu	C:\\partage\\Faure.txt; 'cité' "ici"	\N	\N
1050	quentin.caron@mairiesaint.fr	\N	\\x9a92cf25809f173ba72ada78d49572df	2024-03-01 12:00:00+00
1051	noel.legoff@conseilgard.fr	VALUES (1, 'x'); -- pas du SQL	\N	\N
1052	william.schmitt@societesa.fr	Rappel le Paris:\n\tligne 2 avec « guillemets » et \\ barre\nSociété Générale d'Équipements, S.A.	\N	2024-03-01 12:00:00+00
1053	valerie.rossi@hopitaltille.fr	C:\\partage\\Rossi.txt; 'cité' "ici"	\\x06719cc52fd6558379300e14ab45b803	\N
1054	dominique.garcia@gmbh.de	\N	\N	2024-03-01 12:00:00+00
1055	pascal.roger@malaga.es	VALUES (1, 'x'); -- pas du SQL	\N	\N
1056	oceane.faure@bv.nl	Rappel le Amsterdam:\n\tligne 2 avec « guillemets » et \\ barre\nVan Dijk Logistiek B.V.	\\x60f22a4b72b29e856e8c4e95b25cc4f1	2024-03-01 12:00:00+00
1057	zoe.vidal@bolzano.it	C:\\partage\\Vidal.txt; 'cité' "ici"	\N	\N
1058	elodie.mercier@parc.be	\N	\N	2024-03-01 12:00:00+00
1059	benoit.durand@sarl.lu	VALUES (1, 'x'); -- pas du SQL	\\x9eb95d30300b5161dd028e215316d9aa	\N
\.


--
-- Data for Name: log; Type: TABLE DATA; Schema: crm; Owner: postgres
--

COPY crm.log (at, what) FROM stdin;
\.


--
-- Data for Name: Contacts; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public."Contacts" (id, first_name, last_name, email, phone, organisation, city, country) FROM stdin;
C1000	Amélie	Vidal	amelie.vidal@mairiesaint.fr	+33 4 69 00 67 92	Mairie de Saint-Étienne-du-Bois	Paris	FR
C1001	Élodie	Rousseau	elodie.rousseau@conseilgard.fr	+33 4 06 66 65 35	Conseil départemental du Gard	Paris	FR
C1002	Quentin	Fabre	quentin.fabre@societesa.fr	+33 1 93 86 17 61	Société Générale d'Équipements, S.A.	Paris	FR
C1003	Jürgen	Caron	jurgen.caron@hopitaltille.fr	+33 3 98 98 73 10	Hôpital "Les Tilleuls"	Nîmes	FR
C1004	Élodie	Müller	elodie.muller@gmbh.de	+49 30 81953369	Brandt & Söhne GmbH	Berlin	DE
C1005	William	Durand	william.durand@malaga.es	+34 95 2873192	Ayuntamiento de Málaga	Málaga	ES
C1006	Jürgen	Lefèvre	jurgen.lefevre@bv.nl	+31 20 4554108	Van Dijk Logistiek B.V.	Amsterdam	NL
C1007	Xavier	Châtelain	xavier.chatelain@bolzano.it	+39 0471 664336	Comune di Bolzano	Bolzano	IT
C1008	Gaëlle	Fabre	gaelle.fabre@parc.be	+32 2 7424366	Clinique; du Parc	Bruxelles	BE
C1009	Maëlys	García	maelys.garcia@sarl.lu	+352 200318	Data, Care & Co SARL	Luxembourg	LU
C1010	Sébastien	Fabre	sebastien.fabre@mairiesaint.fr	+33 4 37 05 57 14	Mairie de Saint-Étienne-du-Bois	Lyon	FR
C1011	Élodie	Vidal	elodie.vidal@conseilgard.fr	+33 4 29 80 78 87	Conseil départemental du Gard	Reims	FR
C1012	Yasmine	Lemaire	yasmine.lemaire@societesa.fr	+33 1 04 06 36 91	Société Générale d'Équipements, S.A.	Nîmes	FR
C1013	Jérôme	Schmitt	jerome.schmitt@hopitaltille.fr	+33 3 87 71 00 81	Hôpital "Les Tilleuls"	Reims	FR
C1014	Jürgen	Nguyen	jurgen.nguyen@gmbh.de	+49 30 22698946	Brandt & Söhne GmbH	Berlin	DE
C1015	Ulrich	Guérin	ulrich.guerin@malaga.es	+34 95 3518688	Ayuntamiento de Málaga	Málaga	ES
C1016	Ulrich	Lefèvre	ulrich.lefevre@bv.nl	+31 20 1687859	Van Dijk Logistiek B.V.	Amsterdam	NL
C1017	José	Rossi	jose.rossi@bolzano.it	+39 0471 056333	Comune di Bolzano	Bolzano	IT
C1018	Benoît	Rossi	benoit.rossi@parc.be	+32 2 5279357	Clinique; du Parc	Bruxelles	BE
C1019	Jérôme	O'Brien	jerome.obrien@sarl.lu	+352 244511	Data, Care & Co SARL	Luxembourg	LU
C1020	José	Faure	jose.faure@mairiesaint.fr	+33 4 61 68 35 28	Mairie de Saint-Étienne-du-Bois	Paris	FR
C1021	Amélie	Rousseau	amelie.rousseau@conseilgard.fr	+33 4 40 44 56 27	Conseil départemental du Gard	Paris	FR
C1022	Søren	Da Silva	soren.dasilva@societesa.fr	+33 1 49 01 48 71	Société Générale d'Équipements, S.A.	Nîmes	FR
C1023	Małgorzata	Châtelain	malgorzata.chatelain@hopitaltille.fr	+33 3 93 65 81 32	Hôpital "Les Tilleuls"	Paris	FR
C1024	Valérie	Kowalski	valerie.kowalski@gmbh.de	+49 30 41536437	Brandt & Söhne GmbH	Berlin	DE
C1025	Maëlys	Nguyen	maelys.nguyen@malaga.es	+34 95 3511466	Ayuntamiento de Málaga	Málaga	ES
C1026	Noël	Durand	noel.durand@bv.nl	+31 20 1877798	Van Dijk Logistiek B.V.	Amsterdam	NL
C1027	Valérie	Vidal	valerie.vidal@bolzano.it	+39 0471 225273	Comune di Bolzano	Bolzano	IT
C1028	Karine	Lefèvre	karine.lefevre@parc.be	+32 2 0915817	Clinique; du Parc	Bruxelles	BE
C1029	Jérôme	Da Silva	jerome.dasilva@sarl.lu	+352 270259	Data, Care & Co SARL	Luxembourg	LU
C1030	Dominique	Kowalski	dominique.kowalski@mairiesaint.fr	+33 4 35 23 06 82	Mairie de Saint-Étienne-du-Bois	Paris	FR
C1031	Pascal	Leroy	pascal.leroy@conseilgard.fr	+33 4 81 30 19 79	Conseil départemental du Gard	Nîmes	FR
C1032	Søren	Van den Berg	soren.vandenberg@societesa.fr	+33 1 89 12 29 78	Société Générale d'Équipements, S.A.	Reims	FR
C1033	Sébastien	Schmitt	sebastien.schmitt@hopitaltille.fr	+33 3 54 39 57 50	Hôpital "Les Tilleuls"	Lyon	FR
C1034	Zoé	Dupont-Moreau	zoe.dupont-moreau@gmbh.de	+49 30 43205547	Brandt & Söhne GmbH	Berlin	DE
C1035	Océane	Rousseau	oceane.rousseau@malaga.es	+34 95 1883812	Ayuntamiento de Málaga	Málaga	ES
C1036	Yasmine	Caron	yasmine.caron@bv.nl	+31 20 4199556	Van Dijk Logistiek B.V.	Amsterdam	NL
C1037	Noël	Guérin	noel.guerin@bolzano.it	+39 0471 045570	Comune di Bolzano	Bolzano	IT
C1038	Benoît	Aubert	benoit.aubert@parc.be	+32 2 8879416	Clinique; du Parc	Bruxelles	BE
C1039	Karine	Rousseau	karine.rousseau@sarl.lu	+352 260625	Data, Care & Co SARL	Luxembourg	LU
C1040	Noël	Kowalski	noel.kowalski@mairiesaint.fr	+33 4 20 69 86 00	Mairie de Saint-Étienne-du-Bois	Paris	FR
C1041	Pascal	Vidal	pascal.vidal@conseilgard.fr	+33 4 71 64 58 09	Conseil départemental du Gard	Paris	FR
C1042	Maëlys	Schmitt	maelys.schmitt@societesa.fr	+33 1 29 00 60 08	Société Générale d'Équipements, S.A.	Reims	FR
C1043	Amélie	Lemaire	amelie.lemaire@hopitaltille.fr	+33 3 71 79 99 95	Hôpital "Les Tilleuls"	Nîmes	FR
C1044	Élodie	Picard	elodie.picard@gmbh.de	+49 30 75849079	Brandt & Söhne GmbH	Berlin	DE
C1045	Jürgen	Rousseau	jurgen.rousseau@malaga.es	+34 95 4706346	Ayuntamiento de Málaga	Málaga	ES
C1046	Jürgen	Rossi	jurgen.rossi@bv.nl	+31 20 7331910	Van Dijk Logistiek B.V.	Amsterdam	NL
C1047	Zoé	Guérin	zoe.guerin@bolzano.it	+39 0471 135068	Comune di Bolzano	Bolzano	IT
C1048	Dominique	Blanc	dominique.blanc@parc.be	+32 2 5799421	Clinique; du Parc	Bruxelles	BE
C1049	Ulrich	Faure	ulrich.faure@sarl.lu	+352 208904	Data, Care & Co SARL	Luxembourg	LU
C1050	Quentin	Caron	quentin.caron@mairiesaint.fr	+33 4 21 81 02 13	Mairie de Saint-Étienne-du-Bois	Lyon	FR
C1051	Noël	Le Goff	noel.legoff@conseilgard.fr	+33 4 50 73 02 90	Conseil départemental du Gard	Lyon	FR
C1052	William	Schmitt	william.schmitt@societesa.fr	+33 1 40 53 08 07	Société Générale d'Équipements, S.A.	Paris	FR
C1053	Valérie	Rossi	valerie.rossi@hopitaltille.fr	+33 3 47 16 75 58	Hôpital "Les Tilleuls"	Reims	FR
C1054	Dominique	García	dominique.garcia@gmbh.de	+49 30 98462806	Brandt & Söhne GmbH	Berlin	DE
C1055	Pascal	Roger	pascal.roger@malaga.es	+34 95 3171751	Ayuntamiento de Málaga	Málaga	ES
C1056	Océane	Faure	oceane.faure@bv.nl	+31 20 6069178	Van Dijk Logistiek B.V.	Amsterdam	NL
C1057	Zoé	Vidal	zoe.vidal@bolzano.it	+39 0471 837677	Comune di Bolzano	Bolzano	IT
C1058	Élodie	Mercier	elodie.mercier@parc.be	+32 2 2423825	Clinique; du Parc	Bruxelles	BE
C1059	Benoît	Durand	benoit.durand@sarl.lu	+352 202375	Data, Care & Co SARL	Luxembourg	LU
\.


--
-- Name: contacts contacts_pkey; Type: CONSTRAINT; Schema: crm; Owner: postgres
--

ALTER TABLE ONLY crm.contacts
    ADD CONSTRAINT contacts_pkey PRIMARY KEY (contact_id);


--
-- Name: Contacts Contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."Contacts"
    ADD CONSTRAINT "Contacts_pkey" PRIMARY KEY (id);


--
-- Name: contacts touch; Type: TRIGGER; Schema: crm; Owner: postgres
--

CREATE TRIGGER touch AFTER UPDATE ON crm.contacts FOR EACH ROW EXECUTE FUNCTION crm.touch();


--
-- PostgreSQL database dump complete
--

\unrestrict AGGxeKlVuUiUdmp3mOZSd59uufPtiUVaQ6grtfB6Xca0XeLjDwCIiIz4fTT3Tul

--
-- Database "postgres" dump
--

\connect postgres

--
-- PostgreSQL database dump
--

\restrict dFKAcFe6CWfsDdS08dqBYLdReo5BYBZMbsC6nRhS5KTAlkHiZAa3jFYdxipdibt

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
-- PostgreSQL database dump complete
--

\unrestrict dFKAcFe6CWfsDdS08dqBYLdReo5BYBZMbsC6nRhS5KTAlkHiZAa3jFYdxipdibt

--
-- PostgreSQL database cluster dump complete
--


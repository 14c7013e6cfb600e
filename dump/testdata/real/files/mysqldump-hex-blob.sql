/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: leak
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `accounts`
--

DROP TABLE IF EXISTS `accounts`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `accounts` (
  `contact_id` varchar(16) DEFAULT NULL,
  `login` varchar(100) DEFAULT NULL,
  `password_hash` varbinary(32) DEFAULT NULL,
  `note` text DEFAULT NULL,
  `balance` decimal(10,2) DEFAULT NULL,
  `last_login` datetime DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `accounts`
--

LOCK TABLES `accounts` WRITE;
/*!40000 ALTER TABLE `accounts` DISABLE KEYS */;
INSERT INTO `accounts` VALUES
('C1000','amélie.vidal',0x6F5ABF52DE1FBA947848954B84E83324FF01B4E4650AE6764E0E771D65D5B101,NULL,142.86,NULL),
('C1001','élodie.rousseau',0xFCC9C73A99EBEAB98EB02411355B1D657D4E5A7FF0FB55CFEB34FA027C2B6F63,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',143.00,'2024-04-12 01:00:00'),
('C1002','quentin.fabre',0xD7D599B8F877374AB3B6E37B36882AD6FD0C709226938F40773A822E38EEC888,'C:\\Users\\partage; \"cité\" l\'été',NULL,'2024-04-12 02:00:00'),
('C1003','jürgen.caron',0x54EB144C60C6A273C0B9E882B087B4D465ADE03D845DCD1A0886918B86BA9AD0,'',143.29,'2024-04-12 03:00:00'),
('C1004','élodie.müller',0x217720FB6417BD68EF7541EFEE00FE9C2B5CC1524B56BCC4029CE222B08FB00D,NULL,143.43,'2024-04-12 04:00:00'),
('C1005','william.durand',0x03065D42C1C323CA94E97D6D4914CFA1CFD8596C991D2CEF1A108F78A163C1EE,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',NULL,NULL),
('C1006','jürgen.lefèvre',0xC29D785DCAB657E5111D34AF8C188BB1A2E4ACA0B6E4FD5266C1DAF492E2B716,'C:\\Users\\partage; \"cité\" l\'été',143.71,'2024-04-12 06:00:00'),
('C1007','xavier.châtelain',0x5D73A2F0F607D47736D9992E0AEE7AF4BD095FB0BB4ADE04A97C81B93CB485EE,'',143.86,'2024-04-12 07:00:00'),
('C1008','gaëlle.fabre',0xA7217F777A406982AFCE51915A14C3EBEAA01AE8A16104175A67EE7E9DD40312,NULL,NULL,'2024-04-12 08:00:00'),
('C1009','maëlys.garcía',0xF30207C48216EB0F226494A6CAAAA139A58566812D25092B935B052818C590A5,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',144.14,'2024-04-12 09:00:00'),
('C1010','sébastien.fabre',0xCD27FB3FDFF809EB7DA7F4314560D9ADFD251BFFE51362958156A2C77FEA798C,'C:\\Users\\partage; \"cité\" l\'été',144.29,NULL),
('C1011','élodie.vidal',0x94078568D9A630656421ED10B0F1F129243741F7DF89B298980EE59807A4FF32,'',NULL,'2024-04-12 11:00:00'),
('C1012','yasmine.lemaire',0x439961D93900C0CF0DFC7DFA953DFF7C003D575C96526B66D8874D210ABB32A5,NULL,144.57,'2024-04-12 12:00:00'),
('C1013','jérôme.schmitt',0x150B4F66E0C313E2B273591557468BE49D12940C297B4183AE0B10C72433E039,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',144.71,'2024-04-12 13:00:00'),
('C1014','jürgen.nguyen',0x964C7AE7F08034F0840301D3D80E484E3DEDF7F5AD949CF7C1A9F7C005A7FF06,'C:\\Users\\partage; \"cité\" l\'été',NULL,'2024-04-12 14:00:00'),
('C1015','ulrich.guérin',0x30AAAF520D0B599988C1CBF1E1E0C4D1629BDD1B64DEB549E57077CDA2199760,'',145.00,NULL),
('C1016','ulrich.lefèvre',0x741B08F1471BBBF04E5E34934107AECDBCD8DD9512B795FD8D66B68586927AA4,NULL,145.14,'2024-04-12 16:00:00'),
('C1017','josé.rossi',0x9C3E25D2AAEE908C3C048723D85F3C491F0862E159692AE3DF3C16B4BD2BA224,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',NULL,'2024-04-12 17:00:00'),
('C1018','benoît.rossi',0x92536D2FF1F07E65F25AC9AFF11702F8611A59B96BDFA19D9E2BF0C952B3E43B,'C:\\Users\\partage; \"cité\" l\'été',145.43,'2024-04-12 18:00:00'),
('C1019','jérôme.o\'brien',0xE4A74390BE239543B031EEB027587724B5D7B6E7D51BB5975956D17C6F02B1DB,'',145.57,'2024-04-12 19:00:00'),
('C1020','josé.faure',0x7264B642E29B5FAE6334A21E5FC88C360B10F3D5C02509649B4D916283FE9D80,NULL,NULL,NULL),
('C1021','amélie.rousseau',0x7E2C48FDE44EA4B2D7B363390FC2C0C2AB67AB5AE53018C39189BD8BCD1A749E,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',145.86,'2024-04-12 21:00:00'),
('C1022','søren.da silva',0x9DCE348A7A7B2A6B4FD86E592A4A0EAA0528248F58574AC08757F8C2F7C82DE3,'C:\\Users\\partage; \"cité\" l\'été',146.00,'2024-04-12 22:00:00'),
('C1023','małgorzata.châtelain',0x778609399166A942E4AB50735A2DB788DE66FB6FB13735E8865785B93B5C632E,'',NULL,'2024-04-12 23:00:00'),
('C1024','valérie.kowalski',0x1A26E1F9B643E4ADFFA15EBB484AD9DD0CE952894583BCDB1754BFC78CE3B0E7,NULL,146.29,'2024-04-13 00:00:00'),
('C1025','maëlys.nguyen',0xBFF92529D4721B1E8A31723D44DB4094608333056A68E4AF462D00FD6151FE69,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',146.43,NULL),
('C1026','noël.durand',0xB8E039800BEC49FD91B9B9159E2342EA842D01E596ADF39DEE9FBA9C3A4B16CE,'C:\\Users\\partage; \"cité\" l\'été',NULL,'2024-04-13 02:00:00'),
('C1027','valérie.vidal',0x02CBE80B237E5C37DCB7D4A19788EAA0C62081F18AC1A0CD22D17023A119AAE1,'',146.71,'2024-04-13 03:00:00'),
('C1028','karine.lefèvre',0x960C4F67EF752F6BCD548116F8159AB033CCD448F3C52F5743FE7F2300BCB6AD,NULL,146.86,'2024-04-13 04:00:00'),
('C1029','jérôme.da silva',0x91DAC0B95B82BB2146B9BE672E1E549BD08904DA9D12A79B844F19CFBDEC6EA3,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',NULL,'2024-04-13 05:00:00'),
('C1030','dominique.kowalski',0xE8C52C4C8DE51E65136A0025492129BAB5D5B559F624FD508689A87B601545F8,'C:\\Users\\partage; \"cité\" l\'été',147.14,NULL),
('C1031','pascal.leroy',0xB7A4FACE6F8A6C4B107C671CCAD17D75BA2AD46538369783482E804A00474D26,'',147.29,'2024-04-13 07:00:00'),
('C1032','søren.van den berg',0xD105877BAE5C0BDD2BA223240552FBB0AB2EAECAA7CC4E557BE03B829E9BEE66,NULL,NULL,'2024-04-13 08:00:00'),
('C1033','sébastien.schmitt',0xA0A2F2110E758F1A2FE81A5F6DF53E95AADA48F61BCB79CCA6279CCFC0010228,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',147.57,'2024-04-13 09:00:00'),
('C1034','zoé.dupont-moreau',0xBD7F6BB6A6FCF39B0CB93657A73BFE4AADC5ACFF8E968FA6E9D5AF84407F1CB7,'C:\\Users\\partage; \"cité\" l\'été',147.71,'2024-04-13 10:00:00'),
('C1035','océane.rousseau',0x3A33EC42B67306766BFBECE9B51DF0F2D6D79AADA6634F2B8D809A779A9B7A52,'',NULL,NULL),
('C1036','yasmine.caron',0x091E3950AFF18BE52EE7A6100CA8E2F5752A97725482CE899140738B0434A29E,NULL,148.00,'2024-04-13 12:00:00'),
('C1037','noël.guérin',0x62581C8711C4701009E03BDEAEA4E20399812A70DB8E2DBAD7F77D59465FF406,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',148.14,'2024-04-13 13:00:00'),
('C1038','benoît.aubert',0x3EF5A5BD2E5D58F922895BA943FADBDF34D5FB64F45767423C690AC4E5F0CAC3,'C:\\Users\\partage; \"cité\" l\'été',NULL,'2024-04-13 14:00:00'),
('C1039','karine.rousseau',0xC68B274D570EC2F0301597ECCDBB45E5C8E3CE59B828719D7CA72D645152068E,'',148.43,'2024-04-13 15:00:00'),
('C1040','noël.kowalski',0xBBD815C2F0A4D068B1F8819EF41EEC4C2AF5837EDEBFDA2E01D2264E3C68B0F3,NULL,148.57,NULL),
('C1041','pascal.vidal',0x8D3247B7558AA8CB3BF0120C151A4A23265E92D4C51517A87729E36CB571E7AB,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',NULL,'2024-04-13 17:00:00'),
('C1042','maëlys.schmitt',0xD18AA3A0A48F63792EC00384BB559CC2C5B0269D3193F37C47DD1D84101161C5,'C:\\Users\\partage; \"cité\" l\'été',148.86,'2024-04-13 18:00:00'),
('C1043','amélie.lemaire',0x05AC531B64F346A88A0988210D7C2CE8CBD7F98BFDDC81EB47D13FC4B8D030A4,'',149.00,'2024-04-13 19:00:00'),
('C1044','élodie.picard',0x098471C76763E3CB426BED0CC9129DBAB772B6780CD09386BEE112CBC12D8265,NULL,NULL,'2024-04-13 20:00:00'),
('C1045','jürgen.rousseau',0x1C62A3140132F2AD00372C7982E22F88E7A584A51C91E780527E528A3E642AC1,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',149.29,NULL),
('C1046','jürgen.rossi',0xE032841029DF364CBE45251B171D60EDB99A25A8148CA950A06AEAD1208C502A,'C:\\Users\\partage; \"cité\" l\'été',149.43,'2024-04-13 22:00:00'),
('C1047','zoé.guérin',0x7DA4A68072E6E467574961491F821AC470B4DB809983FE153C01E09DF5ACE82A,'',NULL,'2024-04-13 23:00:00'),
('C1048','dominique.blanc',0x0DA33122C255AB10480FAA50B3CF0C113D0C099D727D48C48B8B0093FA6E4F9B,NULL,149.71,'2024-04-14 00:00:00'),
('C1049','ulrich.faure',0x10641E212FECC84EC7328CF89594D5E007E81994646B1074FEF36DAEA3B0BC54,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',149.86,'2024-04-14 01:00:00'),
('C1050','quentin.caron',0xA062D42B45AF6B2CA9EDDB6EE043A81B4FD361AE360970F37E75E1EF2A69127C,'C:\\Users\\partage; \"cité\" l\'été',NULL,NULL),
('C1051','noël.le goff',0xA262B55A464D39EF920018A249C4227E8A46849E43FC8B85BE9F73DAD06BEAC0,'',150.14,'2024-04-14 03:00:00'),
('C1052','william.schmitt',0x7A4EFCDFFCFAD8DDAC366490A9A5AC7C8F901AF6EC97EE72D6189B6BE6F29C6A,NULL,150.29,'2024-04-14 04:00:00'),
('C1053','valérie.rossi',0x9665E3D77C3D884B534A4FA53C211F86A4F771E54F5F33B00890A904DEE95BDD,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',NULL,'2024-04-14 05:00:00'),
('C1054','dominique.garcía',0xCFB99690676C2974A9FA9277027ED992E7ECE8A5D9E362382320920E9BEDFDC6,'C:\\Users\\partage; \"cité\" l\'été',150.57,'2024-04-14 06:00:00'),
('C1055','pascal.roger',0x8FE9B06811BE45463D2EBC02409F2587E1FC4892ECB0BAB5131ABF82E1258417,'',150.71,NULL),
('C1056','océane.faure',0xCEC94CE9B7C6EBEDA99DE21F58F48498CCA5361E1F4243EB5B0FA8AAD8863658,NULL,NULL,'2024-04-14 08:00:00'),
('C1057','zoé.vidal',0x763415303135B2E190A865B0A44B0F6A1F5DEA712E10559AC486B31A01C9297C,'Première ligne\nseconde ligne, avec « guillemets »	et une tabulation',151.00,'2024-04-14 09:00:00'),
('C1058','élodie.mercier',0xCDA5781BD31FD74685CEC070D7EAAAE7F2B69820E0FE594804C2320851BA23C2,'C:\\Users\\partage; \"cité\" l\'été',151.14,'2024-04-14 10:00:00'),
('C1059','benoît.durand',0xE8E6115D2166B5403269281BDD4AF559FCB1FFA16FBA76C993F23A60379AE392,'',NULL,'2024-04-14 11:00:00');
/*!40000 ALTER TABLE `accounts` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `contacts`
--

DROP TABLE IF EXISTS `contacts`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `contacts` (
  `id` varchar(16) NOT NULL,
  `first_name` varchar(100) DEFAULT NULL,
  `last_name` varchar(100) DEFAULT NULL,
  `email` varchar(255) DEFAULT NULL,
  `phone` varchar(40) DEFAULT NULL,
  `organisation` varchar(255) DEFAULT NULL,
  `city` varchar(100) DEFAULT NULL,
  `country` char(2) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `contacts`
--

LOCK TABLES `contacts` WRITE;
/*!40000 ALTER TABLE `contacts` DISABLE KEYS */;
INSERT INTO `contacts` VALUES
('C1000','Amélie','Vidal','amelie.vidal@mairiesaint.fr','+33 4 69 00 67 92','Mairie de Saint-Étienne-du-Bois','Paris','FR'),
('C1001','Élodie','Rousseau','elodie.rousseau@conseilgard.fr','+33 4 06 66 65 35','Conseil départemental du Gard','Paris','FR'),
('C1002','Quentin','Fabre','quentin.fabre@societesa.fr','+33 1 93 86 17 61','Société Générale d\'Équipements, S.A.','Paris','FR'),
('C1003','Jürgen','Caron','jurgen.caron@hopitaltille.fr','+33 3 98 98 73 10','Hôpital \"Les Tilleuls\"','Nîmes','FR'),
('C1004','Élodie','Müller','elodie.muller@gmbh.de','+49 30 81953369','Brandt & Söhne GmbH','Berlin','DE'),
('C1005','William','Durand','william.durand@malaga.es','+34 95 2873192','Ayuntamiento de Málaga','Málaga','ES'),
('C1006','Jürgen','Lefèvre','jurgen.lefevre@bv.nl','+31 20 4554108','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1007','Xavier','Châtelain','xavier.chatelain@bolzano.it','+39 0471 664336','Comune di Bolzano','Bolzano','IT'),
('C1008','Gaëlle','Fabre','gaelle.fabre@parc.be','+32 2 7424366','Clinique; du Parc','Bruxelles','BE'),
('C1009','Maëlys','García','maelys.garcia@sarl.lu','+352 200318','Data, Care & Co SARL','Luxembourg','LU'),
('C1010','Sébastien','Fabre','sebastien.fabre@mairiesaint.fr','+33 4 37 05 57 14','Mairie de Saint-Étienne-du-Bois','Lyon','FR'),
('C1011','Élodie','Vidal','elodie.vidal@conseilgard.fr','+33 4 29 80 78 87','Conseil départemental du Gard','Reims','FR'),
('C1012','Yasmine','Lemaire','yasmine.lemaire@societesa.fr','+33 1 04 06 36 91','Société Générale d\'Équipements, S.A.','Nîmes','FR'),
('C1013','Jérôme','Schmitt','jerome.schmitt@hopitaltille.fr','+33 3 87 71 00 81','Hôpital \"Les Tilleuls\"','Reims','FR'),
('C1014','Jürgen','Nguyen','jurgen.nguyen@gmbh.de','+49 30 22698946','Brandt & Söhne GmbH','Berlin','DE'),
('C1015','Ulrich','Guérin','ulrich.guerin@malaga.es','+34 95 3518688','Ayuntamiento de Málaga','Málaga','ES'),
('C1016','Ulrich','Lefèvre','ulrich.lefevre@bv.nl','+31 20 1687859','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1017','José','Rossi','jose.rossi@bolzano.it','+39 0471 056333','Comune di Bolzano','Bolzano','IT'),
('C1018','Benoît','Rossi','benoit.rossi@parc.be','+32 2 5279357','Clinique; du Parc','Bruxelles','BE'),
('C1019','Jérôme','O\'Brien','jerome.obrien@sarl.lu','+352 244511','Data, Care & Co SARL','Luxembourg','LU'),
('C1020','José','Faure','jose.faure@mairiesaint.fr','+33 4 61 68 35 28','Mairie de Saint-Étienne-du-Bois','Paris','FR'),
('C1021','Amélie','Rousseau','amelie.rousseau@conseilgard.fr','+33 4 40 44 56 27','Conseil départemental du Gard','Paris','FR'),
('C1022','Søren','Da Silva','soren.dasilva@societesa.fr','+33 1 49 01 48 71','Société Générale d\'Équipements, S.A.','Nîmes','FR'),
('C1023','Małgorzata','Châtelain','malgorzata.chatelain@hopitaltille.fr','+33 3 93 65 81 32','Hôpital \"Les Tilleuls\"','Paris','FR'),
('C1024','Valérie','Kowalski','valerie.kowalski@gmbh.de','+49 30 41536437','Brandt & Söhne GmbH','Berlin','DE'),
('C1025','Maëlys','Nguyen','maelys.nguyen@malaga.es','+34 95 3511466','Ayuntamiento de Málaga','Málaga','ES'),
('C1026','Noël','Durand','noel.durand@bv.nl','+31 20 1877798','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1027','Valérie','Vidal','valerie.vidal@bolzano.it','+39 0471 225273','Comune di Bolzano','Bolzano','IT'),
('C1028','Karine','Lefèvre','karine.lefevre@parc.be','+32 2 0915817','Clinique; du Parc','Bruxelles','BE'),
('C1029','Jérôme','Da Silva','jerome.dasilva@sarl.lu','+352 270259','Data, Care & Co SARL','Luxembourg','LU'),
('C1030','Dominique','Kowalski','dominique.kowalski@mairiesaint.fr','+33 4 35 23 06 82','Mairie de Saint-Étienne-du-Bois','Paris','FR'),
('C1031','Pascal','Leroy','pascal.leroy@conseilgard.fr','+33 4 81 30 19 79','Conseil départemental du Gard','Nîmes','FR'),
('C1032','Søren','Van den Berg','soren.vandenberg@societesa.fr','+33 1 89 12 29 78','Société Générale d\'Équipements, S.A.','Reims','FR'),
('C1033','Sébastien','Schmitt','sebastien.schmitt@hopitaltille.fr','+33 3 54 39 57 50','Hôpital \"Les Tilleuls\"','Lyon','FR'),
('C1034','Zoé','Dupont-Moreau','zoe.dupont-moreau@gmbh.de','+49 30 43205547','Brandt & Söhne GmbH','Berlin','DE'),
('C1035','Océane','Rousseau','oceane.rousseau@malaga.es','+34 95 1883812','Ayuntamiento de Málaga','Málaga','ES'),
('C1036','Yasmine','Caron','yasmine.caron@bv.nl','+31 20 4199556','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1037','Noël','Guérin','noel.guerin@bolzano.it','+39 0471 045570','Comune di Bolzano','Bolzano','IT'),
('C1038','Benoît','Aubert','benoit.aubert@parc.be','+32 2 8879416','Clinique; du Parc','Bruxelles','BE'),
('C1039','Karine','Rousseau','karine.rousseau@sarl.lu','+352 260625','Data, Care & Co SARL','Luxembourg','LU'),
('C1040','Noël','Kowalski','noel.kowalski@mairiesaint.fr','+33 4 20 69 86 00','Mairie de Saint-Étienne-du-Bois','Paris','FR'),
('C1041','Pascal','Vidal','pascal.vidal@conseilgard.fr','+33 4 71 64 58 09','Conseil départemental du Gard','Paris','FR'),
('C1042','Maëlys','Schmitt','maelys.schmitt@societesa.fr','+33 1 29 00 60 08','Société Générale d\'Équipements, S.A.','Reims','FR'),
('C1043','Amélie','Lemaire','amelie.lemaire@hopitaltille.fr','+33 3 71 79 99 95','Hôpital \"Les Tilleuls\"','Nîmes','FR'),
('C1044','Élodie','Picard','elodie.picard@gmbh.de','+49 30 75849079','Brandt & Söhne GmbH','Berlin','DE'),
('C1045','Jürgen','Rousseau','jurgen.rousseau@malaga.es','+34 95 4706346','Ayuntamiento de Málaga','Málaga','ES'),
('C1046','Jürgen','Rossi','jurgen.rossi@bv.nl','+31 20 7331910','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1047','Zoé','Guérin','zoe.guerin@bolzano.it','+39 0471 135068','Comune di Bolzano','Bolzano','IT'),
('C1048','Dominique','Blanc','dominique.blanc@parc.be','+32 2 5799421','Clinique; du Parc','Bruxelles','BE'),
('C1049','Ulrich','Faure','ulrich.faure@sarl.lu','+352 208904','Data, Care & Co SARL','Luxembourg','LU'),
('C1050','Quentin','Caron','quentin.caron@mairiesaint.fr','+33 4 21 81 02 13','Mairie de Saint-Étienne-du-Bois','Lyon','FR'),
('C1051','Noël','Le Goff','noel.legoff@conseilgard.fr','+33 4 50 73 02 90','Conseil départemental du Gard','Lyon','FR'),
('C1052','William','Schmitt','william.schmitt@societesa.fr','+33 1 40 53 08 07','Société Générale d\'Équipements, S.A.','Paris','FR'),
('C1053','Valérie','Rossi','valerie.rossi@hopitaltille.fr','+33 3 47 16 75 58','Hôpital \"Les Tilleuls\"','Reims','FR'),
('C1054','Dominique','García','dominique.garcia@gmbh.de','+49 30 98462806','Brandt & Söhne GmbH','Berlin','DE'),
('C1055','Pascal','Roger','pascal.roger@malaga.es','+34 95 3171751','Ayuntamiento de Málaga','Málaga','ES'),
('C1056','Océane','Faure','oceane.faure@bv.nl','+31 20 6069178','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1057','Zoé','Vidal','zoe.vidal@bolzano.it','+39 0471 837677','Comune di Bolzano','Bolzano','IT'),
('C1058','Élodie','Mercier','elodie.mercier@parc.be','+32 2 2423825','Clinique; du Parc','Bruxelles','BE'),
('C1059','Benoît','Durand','benoit.durand@sarl.lu','+352 202375','Data, Care & Co SARL','Luxembourg','LU');
/*!40000 ALTER TABLE `contacts` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed

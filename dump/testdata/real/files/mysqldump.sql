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
('C1000','amÃ©lie.vidal','oZ¿RŞº”xH•K„è3$ÿ´äe\nævNweÕ±',NULL,142.86,NULL),
('C1001','Ã©lodie.rousseau','üÉÇ:™ëê¹°$5[e}NZğûUÏë4ú|+oc','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',143.00,'2024-04-12 01:00:00'),
('C1002','quentin.fabre','×Õ™¸øw7J³¶ã{6ˆ*Öıp’&“@w:‚.8îÈˆ','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',NULL,'2024-04-12 02:00:00'),
('C1003','jÃ¼rgen.caron','TëL`Æ¢sÀ¹è‚°‡´Ôe­à=„]Í\Z†‘‹†ºšĞ','',143.29,'2024-04-12 03:00:00'),
('C1004','Ã©lodie.mÃ¼ller','!w ûd½hïuAïî\0şœ+\\ÁRKV¼Äœâ\"°°\r',NULL,143.43,'2024-04-12 04:00:00'),
('C1005','william.durand',']BÁÃ#Ê”é}mIÏ¡ÏØYl™,ï\Zx¡cÁî','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',NULL,NULL),
('C1006','jÃ¼rgen.lefÃ¨vre','Âx]Ê¶Wå4¯Œ‹±¢ä¬ ¶äıRfÁÚô’â·','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',143.71,'2024-04-12 06:00:00'),
('C1007','xavier.chÃ¢telain',']s¢ğöÔw6Ù™.\nîzô½	_°»JŞ©|¹<´…î','',143.86,'2024-04-12 07:00:00'),
('C1008','gaÃ«lle.fabre','§!wz@i‚¯ÎQ‘ZÃëê \Zè¡aZgî~Ô',NULL,NULL,'2024-04-12 08:00:00'),
('C1009','maÃ«lys.garcÃ­a','óÄ‚ë\"d”¦Êª¡9¥…f-%	+“[(Å¥','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',144.14,'2024-04-12 09:00:00'),
('C1010','sÃ©bastien.fabre','Í\'û?ßø	ë}§ô1E`Ù­ı%ÿåb•V¢ÇêyŒ','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',144.29,NULL),
('C1011','Ã©lodie.vidal','”…hÙ¦0ed!í°ññ)$7A÷ß‰²˜˜å˜¤ÿ2','',NULL,'2024-04-12 11:00:00'),
('C1012','yasmine.lemaire','C™aÙ9\0ÀÏ\rü}ú•=ÿ|\0=W\\–RkfØ‡M!\n»2¥',NULL,144.57,'2024-04-12 12:00:00'),
('C1013','jÃ©rÃ´me.schmitt','OfàÃâ²sYWF‹ä”){Aƒ®Ç$3à9','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',144.71,'2024-04-12 13:00:00'),
('C1014','jÃ¼rgen.nguyen','–Lzçğ€4ğ„ÓØHN=í÷õ­”œ÷Á©÷À§ÿ','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',NULL,'2024-04-12 14:00:00'),
('C1015','ulrich.guÃ©rin','0ª¯R\rY™ˆÁËñáàÄÑb›İdŞµIåpwÍ¢—`','',145.00,NULL),
('C1016','ulrich.lefÃ¨vre','tñG»ğN^4“A®Í¼Øİ•·•ıf¶…†’z¤',NULL,145.14,'2024-04-12 16:00:00'),
('C1017','josÃ©.rossi','œ>%ÒªîŒ<‡#Ø_<IbáYi*ãß<´½+¢$','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',NULL,'2024-04-12 17:00:00'),
('C1018','benoÃ®t.rossi','’Sm/ñğ~eòZÉ¯ñøa\ZY¹kß¡+ğÉR³ä;','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',145.43,'2024-04-12 18:00:00'),
('C1019','jÃ©rÃ´me.o\'brien','ä§C¾#•C°1î°\'Xw$µ×¶çÕµ—YVÑ|o±Û','',145.57,'2024-04-12 19:00:00'),
('C1020','josÃ©.faure','rd¶Bâ›_®c4¢_ÈŒ6óÕÀ%	d›M‘bƒş€',NULL,NULL,NULL),
('C1021','amÃ©lie.rousseau','~,HıäN¤²×³c9ÂÀÂ«g«Zå0Ã‘‰½‹Í\Zt','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',145.86,'2024-04-12 21:00:00'),
('C1022','sÃ¸ren.da silva','Î4Šz{*kOØnY*Jª($XWJÀ‡WøÂ÷È-ã','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',146.00,'2024-04-12 22:00:00'),
('C1023','maÅ‚gorzata.chÃ¢telain','w†	9‘f©Bä«PsZ-·ˆŞfûo±75è†W…¹;\\c.','',NULL,'2024-04-12 23:00:00'),
('C1024','valÃ©rie.kowalski','\Z&áù¶Cä­ÿ¡^»HJÙİéR‰Eƒ¼ÛT¿ÇŒã°ç',NULL,146.29,'2024-04-13 00:00:00'),
('C1025','maÃ«lys.nguyen','¿ù%)ÔrŠ1r=DÛ@”`ƒ3jhä¯F-\0ıaQşi','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',146.43,NULL),
('C1026','noÃ«l.durand','¸à9€ìIı‘¹¹#Bê„-å–­óîŸºœ:KÎ','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',NULL,'2024-04-13 02:00:00'),
('C1027','valÃ©rie.vidal','Ëè#~\\7Ü·Ô¡—ˆê Æ ñŠÁ Í\"Ñp#¡ªá','',146.71,'2024-04-13 03:00:00'),
('C1028','karine.lefÃ¨vre','–Ogïu/kÍTøš°3ÌÔHóÅ/WCş#\0¼¶­',NULL,146.86,'2024-04-13 04:00:00'),
('C1029','jÃ©rÃ´me.da silva','‘ÚÀ¹[‚»!F¹¾g.T›Ğ‰Ú§›„OÏ½ìn£','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',NULL,'2024-04-13 05:00:00'),
('C1030','dominique.kowalski','èÅ,Låej\0%I!)ºµÕµYö$ıP†‰¨{`Eø','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',147.14,NULL),
('C1031','pascal.leroy','·¤úÎoŠlK|gÊÑ}uº*Ôe86—ƒH.€J\0GM&','',147.29,'2024-04-13 07:00:00'),
('C1032','sÃ¸ren.van den berg','Ñ‡{®\\İ+¢#$Rû°«.®Ê§ÌNU{à;‚›îf',NULL,NULL,'2024-04-13 08:00:00'),
('C1033','sÃ©bastien.schmitt',' ¢òu\Z/è\Z_mõ>•ªÚHöËyÌ¦\'œÏÀ(','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',147.57,'2024-04-13 09:00:00'),
('C1034','zoÃ©.dupont-moreau','½k¶¦üó›¹6W§;şJ­Å¬ÿ–¦éÕ¯„@·','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',147.71,'2024-04-13 10:00:00'),
('C1035','ocÃ©ane.rousseau',':3ìB¶svkûìéµğòÖ×š­¦cO+€šwš›zR','',NULL,NULL),
('C1036','yasmine.caron','	9P¯ñ‹å.ç¦¨âõu*—rT‚Î‰‘@s‹4¢',NULL,148.00,'2024-04-13 12:00:00'),
('C1037','noÃ«l.guÃ©rin','bX‡Äp	à;Ş®¤â™*pÛ-º×÷}YF_ô','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',148.14,'2024-04-13 13:00:00'),
('C1038','benoÃ®t.aubert','>õ¥½.]Xù\"‰[©CúÛß4ÕûdôWgB<i\nÄåğÊÃ','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',NULL,'2024-04-13 14:00:00'),
('C1039','karine.rousseau','Æ‹\'MWÂğ0—ìÍ»EåÈãÎY¸(q|§-dQR','',148.43,'2024-04-13 15:00:00'),
('C1040','noÃ«l.kowalski','»ØÂğ¤Ğh±øôìL*õƒ~Ş¿Ú.Ò&N<h°ó',NULL,148.57,NULL),
('C1041','pascal.vidal','2G·UŠ¨Ë;ğ\ZJ#&^’ÔÅ¨w)ãlµqç«','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',NULL,'2024-04-13 17:00:00'),
('C1042','maÃ«lys.schmitt','ÑŠ£ ¤cy.À„»UœÂÅ°&1“ó|Gİ„aÅ','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',148.86,'2024-04-13 18:00:00'),
('C1043','amÃ©lie.lemaire','¬SdóF¨Š	ˆ!\r|,èË×ù‹ıÜëGÑ?Ä¸Ğ0¤','',149.00,'2024-04-13 19:00:00'),
('C1044','Ã©lodie.picard','	„qÇgcãËBkíÉº·r¶xĞ“†¾áËÁ-‚e',NULL,NULL,'2024-04-13 20:00:00'),
('C1045','jÃ¼rgen.rousseau','b£2ò­\07,y‚â/ˆç¥„¥‘ç€R~RŠ>d*Á','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',149.29,NULL),
('C1046','jÃ¼rgen.rossi','à2„)ß6L¾E%`í¹š%¨Œ©P jêÑ ŒP*','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',149.43,'2024-04-13 22:00:00'),
('C1047','zoÃ©.guÃ©rin','}¤¦€ræägWIaI‚\ZÄp´Û€™ƒş<àõ¬è*','',NULL,'2024-04-13 23:00:00'),
('C1048','dominique.blanc','\r£1\"ÂU«HªP³Ï=	r}HÄ‹‹\0“únO›',NULL,149.71,'2024-04-14 00:00:00'),
('C1049','ulrich.faure','d!/ìÈNÇ2Œø•”Õàè”dktşóm®£°¼T','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',149.86,'2024-04-14 01:00:00'),
('C1050','quentin.caron',' bÔ+E¯k,©íÛnàC¨OÓa®6	pó~uáï*i|','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',NULL,NULL),
('C1051','noÃ«l.le goff','¢bµZFM9ï’\0¢IÄ\"~ŠF„Cü‹…¾ŸsÚĞkêÀ','',150.14,'2024-04-14 03:00:00'),
('C1052','william.schmitt','zNüßüúØİ¬6d©¥¬|\Zöì—îrÖ›kæòœj',NULL,150.29,'2024-04-14 04:00:00'),
('C1053','valÃ©rie.rossi','–eã×|=ˆKSJO¥<!†¤÷qåO_3°©Şé[İ','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',NULL,'2024-04-14 05:00:00'),
('C1054','dominique.garcÃ­a','Ï¹–gl)t©ú’w~Ù’çìè¥Ùãb8# ’›íıÆ','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',150.57,'2024-04-14 06:00:00'),
('C1055','pascal.roger','é°h¾EF=.¼@Ÿ%‡áüH’ì°ºµ\Z¿‚á%„','',150.71,NULL),
('C1056','ocÃ©ane.faure','ÎÉLé·Æëí©âXô„˜Ì¥6BCë[¨ªØ†6X',NULL,NULL,'2024-04-14 08:00:00'),
('C1057','zoÃ©.vidal','v4015²á¨e°¤Kj]êq.UšÄ†³\ZÉ)|','PremiÃ¨re ligne\nseconde ligne, avec Â« guillemets Â»	et une tabulation',151.00,'2024-04-14 09:00:00'),
('C1058','Ã©lodie.mercier','Í¥xÓ×F…ÎÀp×êªçò¶˜ àşYHÂ2Qº#Â','C:\\Users\\partage; \"citÃ©\" l\'Ã©tÃ©',151.14,'2024-04-14 10:00:00'),
('C1059','benoÃ®t.durand','èæ]!fµ@2i(İJõYü±ÿ¡oºvÉ“ò:`7šã’','',NULL,'2024-04-14 11:00:00');
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
('C1000','AmÃ©lie','Vidal','amelie.vidal@mairiesaint.fr','+33 4 69 00 67 92','Mairie de Saint-Ã‰tienne-du-Bois','Paris','FR'),
('C1001','Ã‰lodie','Rousseau','elodie.rousseau@conseilgard.fr','+33 4 06 66 65 35','Conseil dÃ©partemental du Gard','Paris','FR'),
('C1002','Quentin','Fabre','quentin.fabre@societesa.fr','+33 1 93 86 17 61','SociÃ©tÃ© GÃ©nÃ©rale d\'Ã‰quipements, S.A.','Paris','FR'),
('C1003','JÃ¼rgen','Caron','jurgen.caron@hopitaltille.fr','+33 3 98 98 73 10','HÃ´pital \"Les Tilleuls\"','NÃ®mes','FR'),
('C1004','Ã‰lodie','MÃ¼ller','elodie.muller@gmbh.de','+49 30 81953369','Brandt & SÃ¶hne GmbH','Berlin','DE'),
('C1005','William','Durand','william.durand@malaga.es','+34 95 2873192','Ayuntamiento de MÃ¡laga','MÃ¡laga','ES'),
('C1006','JÃ¼rgen','LefÃ¨vre','jurgen.lefevre@bv.nl','+31 20 4554108','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1007','Xavier','ChÃ¢telain','xavier.chatelain@bolzano.it','+39 0471 664336','Comune di Bolzano','Bolzano','IT'),
('C1008','GaÃ«lle','Fabre','gaelle.fabre@parc.be','+32 2 7424366','Clinique; du Parc','Bruxelles','BE'),
('C1009','MaÃ«lys','GarcÃ­a','maelys.garcia@sarl.lu','+352 200318','Data, Care & Co SARL','Luxembourg','LU'),
('C1010','SÃ©bastien','Fabre','sebastien.fabre@mairiesaint.fr','+33 4 37 05 57 14','Mairie de Saint-Ã‰tienne-du-Bois','Lyon','FR'),
('C1011','Ã‰lodie','Vidal','elodie.vidal@conseilgard.fr','+33 4 29 80 78 87','Conseil dÃ©partemental du Gard','Reims','FR'),
('C1012','Yasmine','Lemaire','yasmine.lemaire@societesa.fr','+33 1 04 06 36 91','SociÃ©tÃ© GÃ©nÃ©rale d\'Ã‰quipements, S.A.','NÃ®mes','FR'),
('C1013','JÃ©rÃ´me','Schmitt','jerome.schmitt@hopitaltille.fr','+33 3 87 71 00 81','HÃ´pital \"Les Tilleuls\"','Reims','FR'),
('C1014','JÃ¼rgen','Nguyen','jurgen.nguyen@gmbh.de','+49 30 22698946','Brandt & SÃ¶hne GmbH','Berlin','DE'),
('C1015','Ulrich','GuÃ©rin','ulrich.guerin@malaga.es','+34 95 3518688','Ayuntamiento de MÃ¡laga','MÃ¡laga','ES'),
('C1016','Ulrich','LefÃ¨vre','ulrich.lefevre@bv.nl','+31 20 1687859','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1017','JosÃ©','Rossi','jose.rossi@bolzano.it','+39 0471 056333','Comune di Bolzano','Bolzano','IT'),
('C1018','BenoÃ®t','Rossi','benoit.rossi@parc.be','+32 2 5279357','Clinique; du Parc','Bruxelles','BE'),
('C1019','JÃ©rÃ´me','O\'Brien','jerome.obrien@sarl.lu','+352 244511','Data, Care & Co SARL','Luxembourg','LU'),
('C1020','JosÃ©','Faure','jose.faure@mairiesaint.fr','+33 4 61 68 35 28','Mairie de Saint-Ã‰tienne-du-Bois','Paris','FR'),
('C1021','AmÃ©lie','Rousseau','amelie.rousseau@conseilgard.fr','+33 4 40 44 56 27','Conseil dÃ©partemental du Gard','Paris','FR'),
('C1022','SÃ¸ren','Da Silva','soren.dasilva@societesa.fr','+33 1 49 01 48 71','SociÃ©tÃ© GÃ©nÃ©rale d\'Ã‰quipements, S.A.','NÃ®mes','FR'),
('C1023','MaÅ‚gorzata','ChÃ¢telain','malgorzata.chatelain@hopitaltille.fr','+33 3 93 65 81 32','HÃ´pital \"Les Tilleuls\"','Paris','FR'),
('C1024','ValÃ©rie','Kowalski','valerie.kowalski@gmbh.de','+49 30 41536437','Brandt & SÃ¶hne GmbH','Berlin','DE'),
('C1025','MaÃ«lys','Nguyen','maelys.nguyen@malaga.es','+34 95 3511466','Ayuntamiento de MÃ¡laga','MÃ¡laga','ES'),
('C1026','NoÃ«l','Durand','noel.durand@bv.nl','+31 20 1877798','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1027','ValÃ©rie','Vidal','valerie.vidal@bolzano.it','+39 0471 225273','Comune di Bolzano','Bolzano','IT'),
('C1028','Karine','LefÃ¨vre','karine.lefevre@parc.be','+32 2 0915817','Clinique; du Parc','Bruxelles','BE'),
('C1029','JÃ©rÃ´me','Da Silva','jerome.dasilva@sarl.lu','+352 270259','Data, Care & Co SARL','Luxembourg','LU'),
('C1030','Dominique','Kowalski','dominique.kowalski@mairiesaint.fr','+33 4 35 23 06 82','Mairie de Saint-Ã‰tienne-du-Bois','Paris','FR'),
('C1031','Pascal','Leroy','pascal.leroy@conseilgard.fr','+33 4 81 30 19 79','Conseil dÃ©partemental du Gard','NÃ®mes','FR'),
('C1032','SÃ¸ren','Van den Berg','soren.vandenberg@societesa.fr','+33 1 89 12 29 78','SociÃ©tÃ© GÃ©nÃ©rale d\'Ã‰quipements, S.A.','Reims','FR'),
('C1033','SÃ©bastien','Schmitt','sebastien.schmitt@hopitaltille.fr','+33 3 54 39 57 50','HÃ´pital \"Les Tilleuls\"','Lyon','FR'),
('C1034','ZoÃ©','Dupont-Moreau','zoe.dupont-moreau@gmbh.de','+49 30 43205547','Brandt & SÃ¶hne GmbH','Berlin','DE'),
('C1035','OcÃ©ane','Rousseau','oceane.rousseau@malaga.es','+34 95 1883812','Ayuntamiento de MÃ¡laga','MÃ¡laga','ES'),
('C1036','Yasmine','Caron','yasmine.caron@bv.nl','+31 20 4199556','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1037','NoÃ«l','GuÃ©rin','noel.guerin@bolzano.it','+39 0471 045570','Comune di Bolzano','Bolzano','IT'),
('C1038','BenoÃ®t','Aubert','benoit.aubert@parc.be','+32 2 8879416','Clinique; du Parc','Bruxelles','BE'),
('C1039','Karine','Rousseau','karine.rousseau@sarl.lu','+352 260625','Data, Care & Co SARL','Luxembourg','LU'),
('C1040','NoÃ«l','Kowalski','noel.kowalski@mairiesaint.fr','+33 4 20 69 86 00','Mairie de Saint-Ã‰tienne-du-Bois','Paris','FR'),
('C1041','Pascal','Vidal','pascal.vidal@conseilgard.fr','+33 4 71 64 58 09','Conseil dÃ©partemental du Gard','Paris','FR'),
('C1042','MaÃ«lys','Schmitt','maelys.schmitt@societesa.fr','+33 1 29 00 60 08','SociÃ©tÃ© GÃ©nÃ©rale d\'Ã‰quipements, S.A.','Reims','FR'),
('C1043','AmÃ©lie','Lemaire','amelie.lemaire@hopitaltille.fr','+33 3 71 79 99 95','HÃ´pital \"Les Tilleuls\"','NÃ®mes','FR'),
('C1044','Ã‰lodie','Picard','elodie.picard@gmbh.de','+49 30 75849079','Brandt & SÃ¶hne GmbH','Berlin','DE'),
('C1045','JÃ¼rgen','Rousseau','jurgen.rousseau@malaga.es','+34 95 4706346','Ayuntamiento de MÃ¡laga','MÃ¡laga','ES'),
('C1046','JÃ¼rgen','Rossi','jurgen.rossi@bv.nl','+31 20 7331910','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1047','ZoÃ©','GuÃ©rin','zoe.guerin@bolzano.it','+39 0471 135068','Comune di Bolzano','Bolzano','IT'),
('C1048','Dominique','Blanc','dominique.blanc@parc.be','+32 2 5799421','Clinique; du Parc','Bruxelles','BE'),
('C1049','Ulrich','Faure','ulrich.faure@sarl.lu','+352 208904','Data, Care & Co SARL','Luxembourg','LU'),
('C1050','Quentin','Caron','quentin.caron@mairiesaint.fr','+33 4 21 81 02 13','Mairie de Saint-Ã‰tienne-du-Bois','Lyon','FR'),
('C1051','NoÃ«l','Le Goff','noel.legoff@conseilgard.fr','+33 4 50 73 02 90','Conseil dÃ©partemental du Gard','Lyon','FR'),
('C1052','William','Schmitt','william.schmitt@societesa.fr','+33 1 40 53 08 07','SociÃ©tÃ© GÃ©nÃ©rale d\'Ã‰quipements, S.A.','Paris','FR'),
('C1053','ValÃ©rie','Rossi','valerie.rossi@hopitaltille.fr','+33 3 47 16 75 58','HÃ´pital \"Les Tilleuls\"','Reims','FR'),
('C1054','Dominique','GarcÃ­a','dominique.garcia@gmbh.de','+49 30 98462806','Brandt & SÃ¶hne GmbH','Berlin','DE'),
('C1055','Pascal','Roger','pascal.roger@malaga.es','+34 95 3171751','Ayuntamiento de MÃ¡laga','MÃ¡laga','ES'),
('C1056','OcÃ©ane','Faure','oceane.faure@bv.nl','+31 20 6069178','Van Dijk Logistiek B.V.','Amsterdam','NL'),
('C1057','ZoÃ©','Vidal','zoe.vidal@bolzano.it','+39 0471 837677','Comune di Bolzano','Bolzano','IT'),
('C1058','Ã‰lodie','Mercier','elodie.mercier@parc.be','+32 2 2423825','Clinique; du Parc','Bruxelles','BE'),
('C1059','BenoÃ®t','Durand','benoit.durand@sarl.lu','+352 202375','Data, Care & Co SARL','Luxembourg','LU');
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

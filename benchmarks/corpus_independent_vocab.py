"""Hand-written vocabularies of ``corpus_independent``: names, places, streets and look-alikes.

Written from scratch for this corpus (no Faker name or city lists, nothing taken from the
detectors' lexicons). Names are grouped by origin; a surname written with a lowercase particle
("van der Berg", "bin Abdullah", "dos Santos") keeps it. Cities are real; street names are
real-looking, in the format of their country.
"""

from __future__ import annotations

# origin -> (female first names, male first names, surnames), comma separated.
NAMES: dict[str, tuple[str, str, str]] = {
    "spanish": (
        "Lucía, Carmen, Marta, Inés, Pilar, Rocío, Alba, Nerea, Itziar, Montserrat, Begoña, "
        "Ximena, Amparo",
        "Javier, Alejandro, Íñigo, Sergio, Álvaro, Diego, Rodrigo, Tomás, Gonzalo, Joaquín, "
        "Rubén, Mateo, Borja",
        "García, Fernández, Martínez, Ruiz, Castillo, Navarro, Domínguez, Iglesias, Ortega, "
        "Echeverría, Serrano, de la Cruz, del Olmo, Santamaría, Ibáñez, Márquez, López, Gil",
    ),
    "latam": (
        "Guadalupe, Valentina, Camila, Yesenia, Lorena, Daniela, Xiomara, Renata, Marisol, "
        "Catalina, Florencia, Milagros",
        "Ignacio, Emiliano, Maximiliano, Octavio, Esteban, Julián, Leonardo, Hernán, Facundo, "
        "Rigoberto, Wilmer, Jhonatan",
        "Hernández, Ramírez, Cárdenas, Villalobos, Zúñiga, Quispe, Mamani, Benítez, Arce, "
        "Solís, Galindo, Cienfuegos, Bustamante, Peralta",
    ),
    "portuguese": (
        "Joana, Mariana, Beatriz, Leonor, Thaís, Luana, Raquel, Graça, Conceição, Fernanda, "
        "Gabriela, Inês, Débora",
        "João, Gonçalo, Rui, Tiago, Duarte, Vinícius, Thiago, Rafael, Leandro, Caio, Henrique, "
        "Afonso, Edson",
        "Silva, Santos, Ferreira, Pereira, Carvalho, Gomes, Azevedo, Magalhães, Figueiredo, "
        "dos Santos, da Costa, Nogueira, Barbosa, Rocha, Cardoso, Albuquerque",
    ),
    "indian": (
        "Priya, Ananya, Kavya, Lakshmi, Deepika, Meenakshi, Aishwarya, Nandini, Shreya, Pooja, "
        "Divya, Harpreet, Sunita",
        "Rahul, Arjun, Vikram, Sanjay, Raj, Karthik, Aditya, Siddharth, Venkatesh, Rohan, "
        "Manish, Gurpreet, Prakash",
        "Sharma, Patel, Iyer, Reddy, Nair, Gupta, Krishnan, Chatterjee, Banerjee, Menon, "
        "Deshpande, Kulkarni, Subramanian, Joshi, Singh, Raman, Mukherjee, Bhattacharya",
    ),
    "chinese": (
        "Fang, Xiaoling, Mei, Jing, Yan, Lihua, Xiu, Ying, Hui, Ting, Qian, Yuxin",
        "Wei, Jun, Hao, Lei, Bo, Zhiwei, Jian, Ming, Tao, Yong, Haoran, Zihan",
        "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Guo, Lin, Wong, Chan, "
        "Cheung, Tsai",
    ),
    "arabic": (
        "Fatima, Aisha, Layla, Mariam, Noor, Yasmin, Huda, Rania, Salma, Amira, Zainab, Leila",
        "Ahmed, Mohammed, Omar, Khalid, Youssef, Hassan, Tariq, Karim, Abdullah, Ibrahim, "
        "Samir, Faisal",
        "Al-Farsi, Haddad, Mansour, El-Sayed, Khoury, Nasser, bin Abdullah, Hamdan, Saleh, "
        "Aziz, Rahman, Qureshi, Al-Hashimi, Darwish, Bakr, Al-Masri",
    ),
    "persian": (
        "Shirin, Parisa, Nasrin, Maryam, Roya, Azadeh, Golnar",
        "Reza, Arash, Dariush, Kian, Farhad, Behnam, Kaveh",
        "Hosseini, Rahimi, Moradi, Karimi, Jafari, Ahmadi, Sadeghi",
    ),
    "slavic": (
        "Olga, Natalia, Ekaterina, Agnieszka, Katarzyna, Zofia, Milena, Jelena, Oksana, Daria, "
        "Iryna, Petra",
        "Dmitri, Sergei, Piotr, Tomasz, Łukasz, Bogdan, Miroslav, Nikola, Vladimir, Oleksandr, "
        "Jakub, Andrzej",
        "Kowalski, Nowak, Wiśniewski, Petrović, Jovanović, Novák, Dvořák, Shevchenko, Kovalenko, "
        "Smirnov, Sokolov, Volkov, Horvat, Kuznetsov, Zieliński, Marković",
    ),
    "west_african": (
        "Chiamaka, Ngozi, Adaeze, Funmilayo, Yetunde, Abena, Akosua, Efua, Aminata, Fatoumata, "
        "Nneka, Folake",
        "Chinedu, Emeka, Oluwaseun, Babatunde, Kwame, Kofi, Yaw, Kwabena, Ousmane, Mamadou, "
        "Ikechukwu, Tunde",
        "Okafor, Adeyemi, Okonkwo, Adebayo, Nwosu, Mensah, Asante, Owusu, Boateng, Diallo, "
        "Traoré, Ndiaye, Eze, Obi, Balogun, Akinola",
    ),
    "east_african": (
        "Wanjiru, Achieng, Nyambura, Amani, Zawadi, Makena, Eshe, Tigist, Meron, Selam, Halima, "
        "Imani",
        "Baraka, Juma, Omondi, Tesfaye, Dawit, Abebe, Jabari, Musa, Kibet, Mugo, Ayo, Haile",
        "Mwangi, Njoroge, Kariuki, Odhiambo, Ochieng, Kiplagat, Mutua, Chebet, Kamau, Otieno, "
        "Tadesse, Gebremariam, Kimani, Wekesa, Mohamud",
    ),
    "vietnamese": (
        "Linh, Thao, Huong, Ngoc, Trang, Lan, Phuong, Anh, Hanh, Thuy, Nhung, Hằng",
        "Minh, Tuan, Duc, Quang, Hieu, Khoa, Dung, Thanh, Hung, Nam, Bao, Việt",
        "Nguyen, Tran, Le, Pham, Hoang, Phan, Vu, Dang, Bui, Ngo, Duong, Ly, Nguyễn, Trần",
    ),
    "korean": (
        "Ji-woo, Seo-yeon, Min-ji, Soo-jin, Hye-jin, Yuna, Eun-ji, Ha-eun, Ji-hye, Da-eun, "
        "Bo-ra, Yeon-hee",
        "Min-jun, Seo-jun, Ji-hoon, Dong-hyun, Hyun-woo, Joon-ho, Sung-min, Tae-yang, Jae-won, "
        "Kyung-soo, Woo-jin, Sang-hoon",
        "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Shin, Seo, Kwon",
    ),
    "japanese": (
        "Yuki, Haruka, Aoi, Sakura, Misaki, Naomi, Emi, Kaori, Ayaka, Rin, Nanami, Chihiro",
        "Haruto, Takeshi, Kenji, Hiroshi, Ren, Daiki, Sota, Kaito, Yuto, Shota, Ryo, Takumi",
        "Nakamura, Tanaka, Suzuki, Watanabe, Yamamoto, Kobayashi, Sato, Takahashi, Ito, "
        "Yoshida, Matsumoto, Inoue, Kimura, Hayashi, Shimizu",
    ),
    "turkish": (
        "Elif, Zeynep, Ayşe, Merve, Esra, Büşra, Derya, Selin, Gül, Özlem, Ebru, Nazlı",
        "Mehmet, Mustafa, Emre, Burak, Can, Murat, Oğuz, Serkan, Kerem, Barış, Hakan, Cem",
        "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Öztürk, Arslan, Doğan, Kılıç, Aslan, Koç, "
        "Kurt, Erdem, Güneş",
    ),
    "greek": (
        "Eleni, Katerina, Theodora, Dimitra, Vasiliki, Ioanna, Despina, Chrysa, Athina, "
        "Anastasia, Niki, Kalliopi",
        "Nikos, Giorgos, Dimitris, Konstantinos, Yannis, Stavros, Panagiotis, Kostas, Christos, "
        "Thanasis, Vasilis, Spyros",
        "Papadopoulos, Georgiou, Pappas, Alexiou, Nikolaidis, Karagiannis, Vlachos, "
        "Antonopoulos, Oikonomou, Makris, Dimitriou, Christodoulou, Stavrou, Theodorou",
    ),
    "nordic": (
        "Ingrid, Astrid, Sigrid, Freja, Maja, Linnea, Solveig, Kirsten, Helga, Saga, Elin, Tuva",
        "Lars, Erik, Magnus, Anders, Bjørn, Henrik, Sven, Jonas, Oskar, Nils, Mikkel, Aksel",
        "Johansson, Lindqvist, Andersen, Nilsen, Hansen, Bergström, Halvorsen, Eriksson, "
        "Sørensen, Virtanen, Korhonen, Lindgren, Dahl, Holm, Sandberg",
    ),
    "anglo": (
        "Emily, Sarah, Rachel, Megan, Charlotte, Hannah, Abigail, Lauren, Bethany, Chloe, "
        "Kimberly, Heather",
        "James, Michael, Daniel, Ryan, Kevin, Brandon, Thomas, Gareth, Callum, Tyler, Nathan, "
        "Owen",
        "Thompson, Walker, Harris, Robinson, Clarke, Hughes, Bennett, Foster, Mitchell, "
        "Campbell, Turner, Whitaker, Fletcher, Pritchard, Ashworth",
    ),
    "irish": (
        "Siobhan, Niamh, Aoife, Saoirse, Róisín, Orla, Ciara, Eimear, Catriona, Mairead, "
        "Sinéad, Fiona",
        "Ciarán, Seamus, Padraig, Cormac, Declan, Eoin, Fergus, Oisín, Darragh, Ruairí, "
        "Diarmuid, Lorcan",
        "O'Neill, O'Sullivan, McCarthy, Gallagher, Doyle, Byrne, Kavanagh, MacLeod, "
        "Fitzgerald, Brennan, Quinn, McLaughlin, Keane, O'Brien",
    ),
    "german": (
        "Anja, Katrin, Sabine, Franziska, Jutta, Ulrike, Annika, Birgit, Heike, Lena, Greta, "
        "Svenja",
        "Jürgen, Matthias, Stefan, Wolfgang, Dieter, Florian, Tobias, Klaus, Uwe, Moritz, "
        "Lukas, Jens",
        "Müller, Schneider, Fischer, Weber, Becker, Hoffmann, Schäfer, Koch, Richter, Wagner, "
        "Zimmermann, Krüger, Hartmann, von Essen, Schulze",
    ),
    "french": (
        "Élodie, Camille, Manon, Chloé, Amélie, Margaux, Solène, Clémence, Océane, Brigitte, "
        "Nathalie, Aurélie",
        "Mathieu, Guillaume, Julien, Antoine, Thibault, Benoît, Olivier, Sébastien, Rémi, Loïc, "
        "Étienne, Yann",
        "Dubois, Lefèvre, Moreau, Laurent, Girard, Rousseau, Fontaine, Chevalier, Mercier, "
        "Lambert, Bonnet, Dupont, Faure, Leclerc, Le Goff",
    ),
    "italian": (
        "Giulia, Chiara, Francesca, Alessandra, Federica, Martina, Elisa, Serena, Ilaria, "
        "Beatrice, Valeria, Rossella",
        "Marco, Luca, Giuseppe, Matteo, Lorenzo, Alessio, Davide, Stefano, Riccardo, Gianluca, "
        "Fabrizio, Salvatore",
        "Rossi, Russo, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, "
        "Conti, De Luca, Mancini, Lombardi",
    ),
    "dutch": (
        "Sanne, Fleur, Lotte, Anouk, Femke, Marloes, Ilse, Eline, Maaike, Roos, Iris, Wieke",
        "Daan, Bram, Sem, Thijs, Joost, Pieter, Ruud, Wouter, Jeroen, Stijn, Maarten, Gijs",
        "de Vries, van der Berg, Jansen, Bakker, Visser, Smit, Meijer, de Jong, van Dijk, "
        "Mulder, Bos, Vos, Hendriks, van den Broek, Kuipers",
    ),
}

# Lowercase words of surnames that are particles, not names ("van der Berg"): they occur in
# both halves of the split and are left out when the halves are compared.
PARTICLES = frozenset(
    "van der den de la del da dos das do bin bint von ter le al el di du".split()
)

# Written in the order of their country's custom; gendered ones as (female, male).
HONORIFICS = {
    "en": (("Ms", "Ms.", "Mrs", "Mrs.", "Dr", "Dr.", "Prof."), ("Mr", "Mr.", "Dr", "Dr.", "Prof.")),
    "es": (("Sra.", "Dra.", "Doña"), ("Sr.", "Dr.", "Don")),
    "de": (("Frau", "Frau Dr."), ("Herr", "Herr Dr.")),
    "fr": (("Mme", "Madame", "Mme."), ("M.", "Monsieur")),
    "pt": (("Sra.", "Dra.", "Dona"), ("Sr.", "Dr.", "Seu")),
}

# city | country | region ; US, UK, DE, FR, ES, IN and BR cities also carry an address hint:
# US state code, UK postcode area, DE/FR/ES/IN postcode prefix, BR state code + CEP prefix.
CITIES = """\
New York|United States|New York|NY
Chicago|United States|Illinois|IL
Houston|United States|Texas|TX
Phoenix|United States|Arizona|AZ
Philadelphia|United States|Pennsylvania|PA
San Diego|United States|California|CA
Denver|United States|Colorado|CO
Seattle|United States|Washington|WA
Boston|United States|Massachusetts|MA
Atlanta|United States|Georgia|GA
Portland|United States|Oregon|OR
Minneapolis|United States|Minnesota|MN
Milwaukee|United States|Wisconsin|WI
Albuquerque|United States|New Mexico|NM
Tucson|United States|Arizona|AZ
Omaha|United States|Nebraska|NE
Raleigh|United States|North Carolina|NC
Columbus|United States|Ohio|OH
Pittsburgh|United States|Pennsylvania|PA
Sacramento|United States|California|CA
Baltimore|United States|Maryland|MD
Nashville|United States|Tennessee|TN
Louisville|United States|Kentucky|KY
Tulsa|United States|Oklahoma|OK
Boise|United States|Idaho|ID
Spokane|United States|Washington|WA
Des Moines|United States|Iowa|IA
Fresno|United States|California|CA
London|United Kingdom|England|SE
Manchester|United Kingdom|England|M
Leeds|United Kingdom|England|LS
Bristol|United Kingdom|England|BS
Glasgow|United Kingdom|Scotland|G
Edinburgh|United Kingdom|Scotland|EH
Cardiff|United Kingdom|Wales|CF
Liverpool|United Kingdom|England|L
Sheffield|United Kingdom|England|S
Nottingham|United Kingdom|England|NG
Leicester|United Kingdom|England|LE
Newcastle upon Tyne|United Kingdom|England|NE
Brighton|United Kingdom|England|BN
Belfast|United Kingdom|Northern Ireland|BT
Aberdeen|United Kingdom|Scotland|AB
Norwich|United Kingdom|England|NR
Swansea|United Kingdom|Wales|SA
Berlin|Germany|Berlin|10
Hamburg|Germany|Hamburg|22
München|Germany|Bavaria|80
Köln|Germany|North Rhine-Westphalia|50
Frankfurt am Main|Germany|Hesse|60
Stuttgart|Germany|Baden-Württemberg|70
Düsseldorf|Germany|North Rhine-Westphalia|40
Leipzig|Germany|Saxony|04
Dresden|Germany|Saxony|01
Hannover|Germany|Lower Saxony|30
Nürnberg|Germany|Bavaria|90
Bremen|Germany|Bremen|28
Freiburg im Breisgau|Germany|Baden-Württemberg|79
Heidelberg|Germany|Baden-Württemberg|69
Münster|Germany|North Rhine-Westphalia|48
Paris|France|Île-de-France|750
Lyon|France|Auvergne-Rhône-Alpes|690
Marseille|France|Provence|130
Toulouse|France|Occitanie|310
Nantes|France|Pays de la Loire|440
Bordeaux|France|Nouvelle-Aquitaine|330
Lille|France|Hauts-de-France|590
Strasbourg|France|Alsace|670
Montpellier|France|Occitanie|340
Rennes|France|Brittany|350
Grenoble|France|Auvergne-Rhône-Alpes|380
Dijon|France|Burgundy|210
Madrid|Spain|Comunidad de Madrid|28
Barcelona|Spain|Catalonia|08
Valencia|Spain|Comunidad Valenciana|46
Sevilla|Spain|Andalusia|41
Zaragoza|Spain|Aragón|50
Málaga|Spain|Andalusia|29
Bilbao|Spain|Basque Country|48
Granada|Spain|Andalusia|18
Salamanca|Spain|Castilla y León|37
Valladolid|Spain|Castilla y León|47
Alicante|Spain|Comunidad Valenciana|03
Bengaluru|India|Karnataka|560
Mumbai|India|Maharashtra|400
Pune|India|Maharashtra|411
Chennai|India|Tamil Nadu|600
Hyderabad|India|Telangana|500
Kolkata|India|West Bengal|700
New Delhi|India|Delhi|110
Ahmedabad|India|Gujarat|380
Jaipur|India|Rajasthan|302
Kochi|India|Kerala|682
Lucknow|India|Uttar Pradesh|226
São Paulo|Brazil|São Paulo|SP 04
Rio de Janeiro|Brazil|Rio de Janeiro|RJ 22
Belo Horizonte|Brazil|Minas Gerais|MG 30
Porto Alegre|Brazil|Rio Grande do Sul|RS 90
Curitiba|Brazil|Paraná|PR 80
Recife|Brazil|Pernambuco|PE 51
Salvador|Brazil|Bahia|BA 40
Fortaleza|Brazil|Ceará|CE 60
Florianópolis|Brazil|Santa Catarina|SC 88
Campinas|Brazil|São Paulo|SP 13
Lagos|Nigeria|Lagos State
Abuja|Nigeria|FCT
Ibadan|Nigeria|Oyo State
Accra|Ghana|Greater Accra
Kumasi|Ghana|Ashanti
Dakar|Senegal|Dakar
Nairobi|Kenya|Nairobi County
Mombasa|Kenya|Mombasa County
Kisumu|Kenya|Kisumu County
Addis Ababa|Ethiopia|Addis Ababa
Kampala|Uganda|Central Region
Dar es Salaam|Tanzania|Dar es Salaam
Johannesburg|South Africa|Gauteng
Cape Town|South Africa|Western Cape
Durban|South Africa|KwaZulu-Natal
Cairo|Egypt|Cairo Governorate
Alexandria|Egypt|Alexandria Governorate
Casablanca|Morocco|Casablanca-Settat
Tunis|Tunisia|Tunis
Dubai|United Arab Emirates|Dubai
Abu Dhabi|United Arab Emirates|Abu Dhabi
Riyadh|Saudi Arabia|Riyadh Province
Jeddah|Saudi Arabia|Makkah Province
Amman|Jordan|Amman Governorate
Beirut|Lebanon|Beirut
Doha|Qatar|Doha
Istanbul|Turkey|Marmara
Ankara|Turkey|Central Anatolia
İzmir|Turkey|Aegean
Athens|Greece|Attica
Thessaloniki|Greece|Central Macedonia
Warsaw|Poland|Masovia
Kraków|Poland|Lesser Poland
Gdańsk|Poland|Pomerania
Prague|Czech Republic|Bohemia
Brno|Czech Republic|Moravia
Kyiv|Ukraine|Kyiv Oblast
Lviv|Ukraine|Lviv Oblast
Belgrade|Serbia|Belgrade
Zagreb|Croatia|Zagreb
Bucharest|Romania|Bucharest
Budapest|Hungary|Central Hungary
Vienna|Austria|Vienna
Graz|Austria|Styria
Zurich|Switzerland|Canton of Zurich
Geneva|Switzerland|Canton of Geneva
Amsterdam|Netherlands|North Holland
Rotterdam|Netherlands|South Holland
Utrecht|Netherlands|Utrecht
Eindhoven|Netherlands|North Brabant
Brussels|Belgium|Brussels-Capital
Antwerp|Belgium|Flanders
Ghent|Belgium|Flanders
Lisbon|Portugal|Lisbon District
Porto|Portugal|Norte
Coimbra|Portugal|Centro
Braga|Portugal|Norte
Dublin|Ireland|Leinster
Cork|Ireland|Munster
Galway|Ireland|Connacht
Stockholm|Sweden|Stockholm County
Gothenburg|Sweden|Västra Götaland
Malmö|Sweden|Skåne
Oslo|Norway|Oslo
Bergen|Norway|Vestland
Trondheim|Norway|Trøndelag
Copenhagen|Denmark|Capital Region
Aarhus|Denmark|Central Jutland
Helsinki|Finland|Uusimaa
Tampere|Finland|Pirkanmaa
Reykjavík|Iceland|Capital Region
Milan|Italy|Lombardy
Rome|Italy|Lazio
Naples|Italy|Campania
Turin|Italy|Piedmont
Bologna|Italy|Emilia-Romagna
Palermo|Italy|Sicily
Tokyo|Japan|Kantō
Osaka|Japan|Kansai
Kyoto|Japan|Kansai
Sapporo|Japan|Hokkaido
Fukuoka|Japan|Kyushu
Yokohama|Japan|Kanagawa
Seoul|South Korea|Seoul
Busan|South Korea|Busan
Incheon|South Korea|Incheon
Daegu|South Korea|Daegu
Beijing|China|Beijing
Shanghai|China|Shanghai
Shenzhen|China|Guangdong
Guangzhou|China|Guangdong
Chengdu|China|Sichuan
Hangzhou|China|Zhejiang
Wuhan|China|Hubei
Hong Kong|China|Hong Kong
Taipei|Taiwan|Taipei
Kaohsiung|Taiwan|Kaohsiung
Hanoi|Vietnam|Red River Delta
Ho Chi Minh City|Vietnam|Southeast
Da Nang|Vietnam|South Central Coast
Bangkok|Thailand|Central Thailand
Chiang Mai|Thailand|Northern Thailand
Manila|Philippines|Metro Manila
Cebu City|Philippines|Central Visayas
Jakarta|Indonesia|Java
Surabaya|Indonesia|East Java
Kuala Lumpur|Malaysia|Selangor
Penang|Malaysia|Penang
Singapore|Singapore|Central Region
Karachi|Pakistan|Sindh
Lahore|Pakistan|Punjab
Dhaka|Bangladesh|Dhaka Division
Colombo|Sri Lanka|Western Province
Kathmandu|Nepal|Bagmati
Tehran|Iran|Tehran Province
Isfahan|Iran|Isfahan Province
Sydney|Australia|New South Wales
Melbourne|Australia|Victoria
Brisbane|Australia|Queensland
Perth|Australia|Western Australia
Adelaide|Australia|South Australia
Auckland|New Zealand|Auckland
Wellington|New Zealand|Wellington
Christchurch|New Zealand|Canterbury
Toronto|Canada|Ontario
Vancouver|Canada|British Columbia
Montreal|Canada|Quebec
Calgary|Canada|Alberta
Ottawa|Canada|Ontario
Halifax|Canada|Nova Scotia
Winnipeg|Canada|Manitoba
Mexico City|Mexico|CDMX
Guadalajara|Mexico|Jalisco
Monterrey|Mexico|Nuevo León
Oaxaca|Mexico|Oaxaca
Bogotá|Colombia|Cundinamarca
Medellín|Colombia|Antioquia
Cali|Colombia|Valle del Cauca
Lima|Peru|Lima
Arequipa|Peru|Arequipa
Buenos Aires|Argentina|Buenos Aires
Rosario|Argentina|Santa Fe
Mendoza|Argentina|Mendoza
Montevideo|Uruguay|Montevideo
Quito|Ecuador|Pichincha
Guayaquil|Ecuador|Guayas
La Paz|Bolivia|La Paz
Caracas|Venezuela|Capital District
Havana|Cuba|La Habana
San José|Costa Rica|San José
Valparaíso|Chile|Valparaíso
"""

# Regions that are written alone ("she moved back to Kerala").
REGIONS = (
    "Bavaria, Catalonia, Andalusia, Tuscany, Provence, Brittany, Normandy, Kerala, Ontario, "
    "Quebec, British Columbia, Texas, California, Queensland, Lombardy, Galicia, Minas Gerais, "
    "Hokkaido, Yorkshire, Cornwall, Patagonia, Sicily, Saxony, Tyrol, Alsace, Flanders, "
    "Punjab, Tamil Nadu, Sichuan, Anatolia, Transylvania, Scotland, Wales, Bahia, Yucatán"
)

# Street vocabularies, one per address format. A US street gets a suffix at generation time.
STREETS_US = (
    "Maple, Oak, Cedar, Pine, Elm, Birch, Willow, Chestnut, Magnolia, Sycamore, Hawthorne, "
    "Juniper, Lincoln, Jefferson, Franklin, Washington, Highland, Lakeview, Ridgecrest, "
    "Meadowbrook, Sunset, Orchard, Prospect, Riverside, Fairview, Greenwood, Hillcrest, "
    "Mill Creek, Cherry Hill, Briarwood, Foxglove, Stonebridge, Old Mill, Cottonwood, "
    "Dogwood, Bluebonnet, Spruce, Laurel, Peachtree, Pleasant Valley"
)
US_SUFFIXES = ("St", "Street", "Ave", "Avenue", "Rd", "Road", "Dr", "Drive", "Ln", "Lane",
               "Blvd", "Ct", "Way", "Pl", "Terrace")
STREETS_UK = (
    "Kingsley Road, Albion Street, Mill Lane, Westbourne Terrace, Church Close, Station Road, "
    "Gladstone Street, Holloway Road, Cranbrook Avenue, Ashby Crescent, Wellington Grove, "
    "Beech Gardens, Rosebery Avenue, Tennyson Way, Bramble Close, Marlborough Place, "
    "Orchard Mews, Heathfield Drive, Lavender Hill, Hartington Road, Dunstan Street, "
    "Ferndale Rise, Priory Walk, Carlisle Street, Elmhurst Crescent"
)
STREETS_DE = (
    "Lindenstraße, Bahnhofstraße, Goethestraße, Schillerstraße, Kastanienallee, Am Mühlbach, "
    "Hauptstraße, Gartenweg, Rosenstraße, Birkenweg, Friedrichstraße, Sonnenallee, Im Winkel, "
    "Ahornweg, Kirchgasse, Bergstraße, Parkstraße, Uhlandstraße, Eichendorffring, "
    "Wilhelmstraße, Am Stadtgraben, Tulpenweg, Lessingplatz, Königsallee"
)
STREETS_FR = (
    "rue des Lilas, avenue Jean Jaurès, boulevard Voltaire, rue du Faubourg Saint-Antoine, "
    "impasse des Tilleuls, rue de la République, rue Victor Hugo, allée des Peupliers, "
    "chemin des Vignes, place du Marché, rue Pasteur, rue des Écoles, quai de la Loire, "
    "rue Sainte-Catherine, avenue de la Libération, rue du Moulin, rue Émile Zola, "
    "boulevard Gambetta, rue des Acacias, cours Lafayette, rue de la Paix"
)
STREETS_ES = (
    "Calle Mayor, Calle de Alcalá, Avenida de la Constitución, Paseo de Gracia, "
    "Carrer de Mallorca, Calle Serrano, Calle del Carmen, Plaza de la Merced, Calle Larios, "
    "Avenida de América, Calle San Vicente, Ronda de Segovia, Calle de Toledo, "
    "Travesía del Pez, Gran Vía, Calle Real, Avenida del Puerto, Calle Colón, Calle Feria, "
    "Carrer de Verdi, Calle Doctor Fleming"
)
STREETS_IN = (
    "MG Road, 14th Cross Road, Linking Road, Anna Salai, Park Street, Hill Road, SV Road, "
    "Residency Road, Brigade Road, Carter Road, FC Road, Lavelle Road, Outer Ring Road, "
    "100 Feet Road, Nehru Street, Gandhi Bazaar Main Road, Jubilee Hills Road No. 36"
)
IN_LOCALITIES = (
    "Indiranagar, Koramangala, Jayanagar, Bandra West, Andheri East, Powai, T. Nagar, Adyar, "
    "Banjara Hills, Gachibowli, Salt Lake, Ballygunge, Kothrud, Aundh, Vasant Kunj, "
    "Lajpat Nagar, Malviya Nagar, Navrangpura"
)
IN_BUILDINGS = (
    "Sai Krupa Apartments, Green Glen Residency, Lakshmi Nivas, Prestige Park View, "
    "Shanti Kunj, Sunrise Towers, Gokul Enclave, Palm Grove Heights"
)
STREETS_BR = (
    "Rua das Laranjeiras, Avenida Paulista, Rua Augusta, Rua Oscar Freire, "
    "Rua da Consolação, Avenida Atlântica, Rua XV de Novembro, Rua dos Andradas, "
    "Avenida Sete de Setembro, Rua Padre Chagas, Rua Barão de Itapetininga, "
    "Avenida Boa Viagem, Rua Voluntários da Pátria, Rua Bela Cintra, Rua do Catete, "
    "Avenida Getúlio Vargas"
)
BR_BAIRROS = (
    "Laranjeiras, Copacabana, Pinheiros, Moema, Savassi, Boa Viagem, Batel, "
    "Moinhos de Vento, Centro, Botafogo, Vila Madalena, Jardim Botânico"
)

# Unlabelled look-alikes. Products and brands, some of them named after people or places.
PRODUCTS = (
    "Galaxy Note 20, Apple Watch, Jordan sneakers, Kindle Paperwhite, Surface Pro 9, "
    "PlayStation 5, Dyson V11, ThinkPad X1 Carbon, Hyundai Santa Fe, Chevy Tahoe, "
    "Nintendo Switch, Pixel 8, iPhone 14 Pro, AirPods Max, Instant Pot, Roomba j7, "
    "Sonos Arc, Fitbit Charge 6, Kia Sorento, Toyota Sienna, Dodge Durango, Ford Explorer, "
    "Honda Odyssey, GoPro Hero 12, Vitamix blender, Le Creuset dutch oven, Tommy Hilfiger jacket, "
    "Ray-Ban Wayfarers, Hugo Boss suit, Stanley tumbler, Yeti cooler, Patagonia fleece, "
    "Victoria's Secret gift card, Alexa Echo Dot, Jackson guitar, Fender Stratocaster, "
    "Samsung Galaxy Tab, Garmin Forerunner, Lenovo Yoga, Dell XPS 13, Peloton Bike"
)
# Devices: products that charge, crash, overheat and get updates.
DEVICES = (
    "Galaxy Note 20, Apple Watch, Kindle Paperwhite, Surface Pro 9, PlayStation 5, "
    "Nintendo Switch, Pixel 8, iPhone 14 Pro, AirPods Max, Sonos Arc, Fitbit Charge 6, "
    "GoPro Hero 12, Garmin Forerunner, Lenovo Yoga, Dell XPS 13, ThinkPad X1 Carbon, "
    "Samsung Galaxy Tab, Alexa Echo Dot, Roomba j7, Dyson V11, MacBook Air"
)
COMPANIES = (
    "Northwind Logistics, Acme Corp, Siemens, Tata Consultancy Services, Banco Santander, "
    "Deutsche Bahn, Air France, Bank of America, American Express, Singapore Airlines, "
    "Brightline Health, Kestrel Analytics, Halcyon Insurance, Bluepeak Energy, Orbis Freight, "
    "Meridian Labs, Vantage Dental Group, Cobalt Robotics, Larkspur Media, Greystone Partners, "
    "Infosys, Mercado Libre, Zalando, Rakuten, Emirates, Turkish Airlines, DHL Express, "
    "Royal Mail, Correos, La Poste, Canada Post, Delhivery"
)
JOBS = (
    "Senior Data Engineer, Head of Procurement, Charge Nurse, Regional Sales Manager, "
    "Product Designer, Staff Accountant, Site Reliability Engineer, Warehouse Supervisor, "
    "Chief Financial Officer, Clinical Pharmacist, Customer Success Lead, Paralegal, "
    "HR Business Partner, Marketing Coordinator, Junior Developer, Operations Analyst, "
    "Physiotherapist, Quality Assurance Manager, Executive Assistant, Solutions Architect"
)
MEDS = (
    "Metformin 500 mg, Lisinopril 10 mg, Atorvastatin 20 mg, Amoxicillin 875 mg, "
    "Ibuprofen 400 mg, Sertraline 50 mg, Levothyroxine 75 mcg, Omeprazole 20 mg, "
    "Amlodipine 5 mg, Salbutamol inhaler, Prednisolone 5 mg, Warfarin, Ozempic, "
    "Paracetamol 1 g, Cetirizine 10 mg, Gabapentin 300 mg, Losartan 50 mg, Humira"
)
DEPARTMENTS = (
    "Finance, Procurement, Engineering, Legal, Facilities, Marketing, Customer Care, "
    "Payroll, IT Service Desk, Logistics, Research and Development, Compliance"
)

"""Latvia's 43 municipalities (since the 2021 reform, with Varakļāni restored):
where a teacher's school is, for the programme's figures by municipality.

Official Latvian names in both languages: they are names, and the ones funders'
tables use. Codes are stable identifiers stored in the profile.
"""

from courses.collation import sorted_latvian

CITIES = (
    ("daugavpils", "Daugavpils"),
    ("jelgava", "Jelgava"),
    ("jurmala", "Jūrmala"),
    ("liepaja", "Liepāja"),
    ("rezekne", "Rēzekne"),
    ("riga", "Rīga"),
    ("ventspils", "Ventspils"),
)

COUNTIES = (
    ("adazi", "Ādažu novads"),
    ("aizkraukle", "Aizkraukles novads"),
    ("aluksne", "Alūksnes novads"),
    ("augsdaugava", "Augšdaugavas novads"),
    ("balvi", "Balvu novads"),
    ("bauska", "Bauskas novads"),
    ("cesis", "Cēsu novads"),
    ("dienvidkurzeme", "Dienvidkurzemes novads"),
    ("dobele", "Dobeles novads"),
    ("gulbene", "Gulbenes novads"),
    ("jekabpils", "Jēkabpils novads"),
    ("jelgava-novads", "Jelgavas novads"),
    ("kekava", "Ķekavas novads"),
    ("kraslava", "Krāslavas novads"),
    ("kuldiga", "Kuldīgas novads"),
    ("limbazi", "Limbažu novads"),
    ("livani", "Līvānu novads"),
    ("ludza", "Ludzas novads"),
    ("madona", "Madonas novads"),
    ("marupe", "Mārupes novads"),
    ("ogre", "Ogres novads"),
    ("olaine", "Olaines novads"),
    ("preili", "Preiļu novads"),
    ("rezekne-novads", "Rēzeknes novads"),
    ("ropazi", "Ropažu novads"),
    ("salaspils", "Salaspils novads"),
    ("saldus", "Saldus novads"),
    ("saulkrasti", "Saulkrastu novads"),
    ("sigulda", "Siguldas novads"),
    ("smiltene", "Smiltenes novads"),
    ("talsi", "Talsu novads"),
    ("tukums", "Tukuma novads"),
    ("valka", "Valkas novads"),
    ("valmiera", "Valmieras novads"),
    ("varaklani", "Varakļānu novads"),
    ("ventspils-novads", "Ventspils novads"),
)

MUNICIPALITIES = CITIES + COUNTIES
#: As a chooser lists them: the cities, then the counties, each in Latvian
#: alphabetical order (Krāslavas before Ķekavas).
CHOICES_IN_ORDER = (
    *sorted_latvian(CITIES, key=lambda choice: choice[1]),
    *sorted_latvian(COUNTIES, key=lambda choice: choice[1]),
)
NAMES = dict(MUNICIPALITIES)

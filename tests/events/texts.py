"""Invented reports for the event tests: two look-alike floods (different towns, rivers, people and days),
a preview and a report of one ministers' meeting, a factory fire and a school closure that a later report
connects, and an unrelated museum story. Every name, place and outlet is made up."""

from __future__ import annotations

HARWICK_HERALD = """The Oster River burst its banks in Harwick early on Monday, flooding more than 300 homes in the \
old town and forcing the evacuation of a care home, the town's mayor said.

Mayor Ilse Varga said water rose almost a metre in the market square within an hour after two days of heavy rain. \
"We have never seen the Oster this high," Varga told reporters outside the town hall.

Fire chief Otto Brandl said his crews had rescued 46 people from upper floors on Weir Street using boats. Three \
people were taken to Harwick Cottage Hospital with hypothermia.

The regional roads office closed the Harwick bridge and the railway line to Tolvern was suspended. Emergency \
shelters opened in the Harwick grammar school and the St Aldric church hall.

Resident Nora Feld, 71, said she had lost everything on the ground floor. "The water came under the door while I \
was making tea," she said.
"""

HARWICK_POST = """Harwick residents counted the cost on Monday after the swollen Oster River poured through the old \
town overnight.

Hundreds of houses were flooded and a care home on Weir Street had to be emptied in the dark, according to Harwick \
mayor Ilse Varga, who called it the worst flood in living memory.

"The Oster has never been this high," Varga said on Monday morning.

Firefighters led by Otto Brandl pulled 46 people from their homes by boat, and three pensioners were treated in \
Harwick Cottage Hospital for hypothermia.

Trains to Tolvern were cancelled and the Harwick bridge was closed. Nora Feld, a 71-year-old widow, said the water \
had ruined her kitchen. "I was making tea when it came under the door," Feld said.
"""

MIREFIELD_HERALD = """The Calne River flooded farmland and the lower streets of Mirefield on Thursday after a storm \
dumped heavy rain on the Dunmore hills, and about 120 residents were evacuated, officials said.

Mayor Jonas Trell said the water had reached the ground floor of the Mirefield primary school and that lessons \
were cancelled until next week. "This is a serious flood, but nobody has been hurt," Trell said.

Petra Lind of the county civil protection office said pumps had been brought in from Ashby and that the Calne was \
expected to peak on Thursday night.

Farmer Anton Gorski said he had moved 200 sheep to higher ground at dawn. "The fields by the Calne are a lake now," \
Gorski said.

The Mirefield ring road was closed near the Calne bridge.
"""

MIREFIELD_COURIER = """About 120 people left their homes in Mirefield on Thursday as the Calne River rose over its \
banks, flooding fields and the streets near the Calne bridge.

The mayor of Mirefield, Jonas Trell, said nobody had been injured but the primary school would stay shut. "It is a \
serious flood and we are taking it seriously," he said.

County civil protection officer Petra Lind said extra pumps from Ashby were working in the lower town and the river \
should peak overnight.

Anton Gorski, a sheep farmer, said his fields by the river were under water. "I drove 200 sheep up the hill before \
sunrise," he said.

Storms over the Dunmore hills dropped heavy rain on the Calne valley on Wednesday night.
"""

MEETING_PREVIEW = """Fisheries ministers of Norland and Vestria will meet in Carrow on Thursday to try to settle \
their dispute over herring quotas in the Skarra Sea, the Norland fisheries ministry said on Tuesday.

Norland's minister Halvard Ostby and his Vestrian counterpart Marit Selje are expected to discuss a new quota split \
and joint inspections of trawlers, ministry spokesman Per Anker said.

"We go to Carrow with an open mind," Anker said. "A deal on herring is within reach."

The two countries have argued over the Skarra Sea herring catch since Vestria raised its quota by 15 percent in \
March.
"""

MEETING_REPORT = """Norland and Vestria agreed in Carrow on Thursday to split the Skarra Sea herring quota evenly \
for the next three years, ending a dispute that began when Vestria raised its catch in March.

Fisheries ministers Halvard Ostby of Norland and Marit Selje of Vestria signed the agreement after six hours of \
talks and said joint inspections of trawlers would begin in January.

"This is a fair deal for fishermen on both coasts," Ostby told reporters in Carrow. Selje said the herring stock \
would be surveyed every spring.

Norland ministry spokesman Per Anker said the quota split would be reviewed in 2027.
"""

FACTORY_FIRE = """A fire tore through the Calloway paint factory in Dunhaven on Tuesday, sending a column of black \
smoke over the Ember estuary, fire officers said.

Fire officer Mara Eskel said 60 firefighters fought the blaze in the solvent store for five hours before bringing it \
under control. Nobody was inside the factory when the fire broke out just after midnight.

Factory owner Linus Krog said the solvent store held about 40 tonnes of thinners and lacquer. "We will rebuild \
Calloway," Krog said.

The Dunhaven ring road was closed for most of the morning.
"""

SCHOOL_CLOSURE = """Thirty pupils of the Drummond school in Pellham were sent home on Tuesday after complaining of \
sore throats, headaches and breathing problems, head teacher Agnes Rowe said.

Eight children were checked at Pellham general hospital and released in the afternoon. Rowe said the Drummond \
school would stay closed on Wednesday while inspectors tested the air in the classrooms and the gym.

"Parents are frightened and they want answers," said Bram Tiller, who chairs the Drummond parents' association.
"""

# Names the fire and the school closure together: close to both events at once.
SMOKE_BRIDGE = """Smoke from Tuesday's fire at the Calloway paint factory in Dunhaven drifted over Pellham and made \
pupils of the Drummond school ill, county inspectors said on Wednesday.

Fire officer Mara Eskel said the wind had carried smoke from the burning solvent store of the Calloway factory \
across the Ember estuary towards Pellham while 60 firefighters fought the blaze in Dunhaven. Calloway owner Linus \
Krog said the store held 40 tonnes of thinners and lacquer.

At the Drummond school in Pellham, thirty pupils were sent home with sore throats, headaches and breathing \
problems, and eight children were checked at Pellham general hospital. Head teacher Agnes Rowe said the Drummond \
school would reopen once inspectors had tested the air in the classrooms and the gym.

Bram Tiller of the Drummond parents' association said parents wanted answers from Calloway and from Dunhaven fire \
officers about the smoke.
"""

MUSEUM = """The Ravelin maritime museum in Portsby reopened on Saturday after a two-year restoration of its glass \
roof, museum director Lotte Haan said.

The museum's collection of ship models, sea charts and figureheads is back on display in the main hall, and a new \
gallery tells the story of the Portsby lifeboat crews. "Visitors will see the old hall as it looked in 1890," Haan \
said.

Entry will be free for children until the end of the year.
"""

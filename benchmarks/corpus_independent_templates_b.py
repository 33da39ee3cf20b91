"""Templates of ``corpus_independent``: CVs, shipping messages, forum posts, meeting minutes and
snippets in Spanish, German, French and Portuguese. Slot syntax as in ``..._templates_a``.
"""

from __future__ import annotations

CV = (
    "{full:1}\n{address_ml}\n{phone} | {email:1} | {purl:1}\n\nEXPERIENCE\n{job}, "
    "{company}, {city} ({monthyear} - present)\n{job}, {company}, {city} ({monthyear} - "
    "{monthyear})",
    "CURRICULUM VITAE\n\nName: {full:1}\nDate of birth: {dob}\nNationality: {country}\n"
    "Address: {address}\nTel: {phone}\nE-mail: {email:1}",
    "{upper_last:1}\n{job}\n\nBased in {city}, open to relocation. Contact: {email:1}\n\n"
    "Languages: English (fluent), Spanish (intermediate)",
    "Profile\nI'm a {job} with ten years in logistics. Born in {year_born} in {city}, I "
    "grew up in {country} and studied in {city}.",
    "References\n{full:2}, {job}, {company} - {email:2}\n{full:3}, former manager - "
    "{phone}",
    "{full:1} | {job}\n{city}, {country} | {phone} | {purl:1}\n\nSkills: Python, SQL, "
    "Tableau, stakeholder management",
    "RÉSUMÉ\n{full:1}\n{email:1} · {phone}\n\nEducation\nMSc Data Science, {city}, "
    "{monthyear}\nBSc Mathematics, {city}, {monthyear}",
    "Work history\n{monthyear} – {monthyear}  {company}, {city}\n  {job}. Led a team of "
    "six; cut costs by 12%.\n{monthyear} – {monthyear}  {company}, {city}\n  {job}.",
    "Personal details\nFull name: {full:1}\nBorn: {dob}, {city}\nMarital status: married\n"
    "Driving licence: yes",
    "{full:1}\n{job}\n\nSummary: Bilingual {job} who has worked in {country} and "
    "{country}. Available from {date}.\n\nLinkedIn: {purl:1}",
    "Contact\n  {address_ml}\n  {phone}\n  {email:1}\n\n{full:1}",
    "Volunteer experience: Red Cross, {city} ({monthyear} – {monthyear}). Coordinated "
    "with {full:2} on the winter shelter.",
    "Cover letter\n\nDear {hon:2} {last:2},\n\nI am applying for the {job} position "
    "advertised on your website. I currently work at {company} in {city}.\n\nSincerely,\n"
    "{full:1}",
    "{full:1}\nb. {dob}\n{address}\n\nCertifications: PMP ({monthyear}), AWS Solutions "
    "Architect ({monthyear})",
    "Portfolio: {purl:1}\nGitHub: see portfolio\nPhone: {phone}\n\nAbout me: I build data "
    "pipelines and teach salsa on weekends.",
    "Employment\n- {company}, {job}, since {year}\n- {company}, {job}, {monthyear} to "
    "{monthyear}\n\nReferee: {hon:2} {full:2}, {email:2}",
    "Name / Nom: {full:1}\nDate of birth / Date de naissance: {dob}\nPlace of birth: "
    "{city_country}",
    "{first:1} {last:1} - {job}\nI moved to {city} in {monthyear} after five years in "
    "{region}. Fluent in three languages.",
    "Education\n{monthyear}  PhD, Chemistry, {city}\n  Thesis supervised by Prof. "
    "{last:2}\n{monthyear}  BSc, {city}",
    "APPLICANT: {last_first:1}\nPOSITION: {job}\nAVAILABLE: {date}\nSALARY EXPECTATION: "
    "{price}",
    "{full:1}, {job}\nMobile {phone} · {email:1}\n\nExperience at {company} ({year}–now): "
    "owned the checkout rewrite, shipped {version}.",
    "Hobbies: marathon running (finished the {city} marathon on {date}), chess, "
    "photography.",
    "{full:1}\n{address_ml}\n\nObjective: a junior role in finance. Graduated "
    "{monthyear}.",
    "Previous addresses (last 3 years)\n1. {address}\n2. {address}\nCurrent: {address}",
    "Referees available on request. Contact me at {email:1} or {phone}. {full:1}",
    "{full:1f} (she/her) — {job} — {city}\n{purl:1}",
    "{full:1}\nSSN: {ssn}\nUS work authorisation: citizen\n{address}",
    "Online: {purl:1} · {purl:1}\n{full:1}, {job}, {city}",
)

SHIPPING = (
    "Your parcel {tracking} is out for delivery today. Delivering to: {full:1}, "
    "{address}. Driver: {first:2}.",
    "We tried to deliver your package {rel} but nobody was home. It has been left with "
    "your neighbour {full:2} at {street}.",
    "Shipping label\nFROM:\n{full:1}\n{address_ml}\nTO:\n{full:2}\n{address_ml}\n"
    "Tel: {phone}",
    "Order {order} shipped via {company}. Estimated delivery: {date_short}. Ship to "
    "{hon:1} {last:1}, {city}.",
    "Customs declaration\nSender: {full:1}, {city_country}\nRecipient: {full:2}\n"
    "Recipient phone: {phone}\nContents: books, value {price}",
    "Hi {first:1}, your {product} has arrived at the pickup point in {city}. Collect by "
    "{date} with code {last4}.",
    "Delivery note: left in the porch as requested by {first:1}. Photo taken {time}.",
    "Signed for by {initial_last:1} at {datetime}. Parcel {tracking}.",
    "Address correction requested by {full:1}. Old: {address}. New: {address}.",
    "DELIVERY FAILED - access code needed. Customer {full:1}, please call the driver on "
    "{phone} or rebook online.",
    "Return authorisation {order}: collect from {full:1}, {address}, between {time} and "
    "{time} on {date_short}.",
    "Your order from {company} is on its way!\n\n{product} x1\n\nShipping to:\n{full:1}\n"
    "{address_ml}",
    "Courier update {rel}: package for {first:1} {last:1} is held at the {city} depot "
    "due to an incomplete address.",
    "Recipient {full:1} refused the parcel. Returning to sender {full:2}, {address}.",
    "Freight booking: pick up at {address}, deliver to {address}. Contact on site: "
    "{full:1} ({phone}).",
    "Dear {full:1}, we need a copy of your ID to release shipment {tracking} from "
    "customs in {country}. Reply to this email.",
    "Driver notes: big dog at gate, ring {full:1} on {phone}. Deliver to back door.",
    "Your grocery delivery is booked for {date} {time}-{time}. Address: {address}. "
    "Substitutions allowed.",
    "Package {tracking} delivered. Received by: {first:1} (household member).",
    "Pallet manifest {order}\nConsignee: {company}\nAttn: {full:1}\n{address_ml}",
    "Hi, this is {first:1} from {company} deliveries. I'm outside {street}, can you "
    "come down?",
    "Redelivery scheduled for {date_short} to {hon:1} {last:1}. Safe place: garage.",
    "Lost parcel claim\nClaimant: {full:1}\nEmail: {email:1}\nSent on {date} from "
    "{city} to {city}\nValue: {price}",
    "Gift message: 'Happy birthday {first:1}! Love, {first:2} and {first:3}'. Ship to "
    "{address}.",
    "Shipment {tracking} cleared customs at {datetime} and is heading to {city}.",
    "Buyer {full:1} changed the delivery address to {address_ml}\nPlease update the label.",
    "Cash on delivery declined; customer {full:1} paid by card {card} at the door. Receipt "
    "sent to {email:1}.",
    "Order placed from {ipv6} for delivery to {address}. Fraud check: billing name {full:1}"
    " matches.",
)

FORUM_POST = (
    "Has anyone else had their {device} overheat after {version}? Mine gets hot "
    "just sitting on the desk. Posted from {city}.",
    "My grandmother {full:1f} was born in {year_born} in {city} and emigrated to "
    "{country} after the war. Looking for anyone who knew the family.",
    "Re: best dentist near {city}?\n\nWe go to Dr. {last:1}, very gentle with kids. "
    "Ask for {first:2} at reception.",
    "Thanks {first:1}! That fixed it. For anyone searching later: reinstall {version} "
    "and reboot twice.",
    "Selling my {product}, barely used, {price}. Pickup in {city} only. Text me on "
    "{phone}.",
    "Update: {first:1} from support called me back {rel} and sorted it out. Credit where "
    "it's due.",
    "We're driving from {city} to {city} in {month}, any tips for stops along the way?",
    "Lost dog near {street}! Brown labrador called Biscuit. Call {first:1} on {phone}.",
    "In memory of {full:1}, {dob} – {date}. A great coach and a better friend.",
    "Does anyone know how to contact {full:1}? We were at school together in {city} in "
    "the nineties.",
    "PSA: scam emails going around pretending to be from {company}. Don't click. Ours "
    "came from {ip}.",
    "Quoting {first:1}: 'the {device} is fine if you update first'. Nope, still broken.",
    "Wedding photographer recommendations in {region}? We're getting married on "
    "{date}.",
    "Moderator note: {first:1}, please don't post people's addresses. Removed.",
    "Our family reunion is at {address} on {date_short}. Bring a dish! -- {first:1} "
    "{last:1}",
    "I met {hon:1} {last:1} at the {city} conference {rel}, brilliant talk on soil "
    "science.",
    "First post. I'm {first:1}, {age}, from {country}, just bought a {product} and have "
    "no idea what I'm doing.",
    "My son {first:1m} (born {date}) is allergic to basically everything. Any recipe "
    "blogs you'd recommend?",
    "Congrats to {full:1} and {full:2}, winners of the {month} photo challenge!",
    "Looking for a roommate in {city}. Room at {address}, {price}/month. DM or email "
    "{email:1}.",
    "Edit: the seller was {full:1m} and he still hasn't shipped. Paid by bank transfer to "
    "{iban}. Avoid.",
    "Club meeting {weekday} at {time} in the usual place. {first:1}, {first:2} and "
    "{first:3} are bringing snacks.",
    "Anyone from {region} here? Looking for hiking buddies. I'm {first:1}.",
    "Hi {first:1}, I think we met at {first:2}'s party in {city}? Small world!",
    "Old photo from {year}: my dad {first:1m} in front of our first house in {city}.",
    "Can confirm, {device} battery lasts two days. Bought mine on {date_short}.",
    "My blog about living in {country}: {purl:1}. Posts every Sunday.",
    "Got a scam call from someone claiming to be from {company}. They read out my SSN "
    "({ssn}) and my address. Reported it.",
    "Accidentally posted my card number ({card}) in the last thread, mods please delete!! "
    "{first:1}",
    "Personal site: {purl:1} | Server: {ip} (self-hosted, be gentle)",
)

MEETING_MINUTES = (
    "Minutes - Project Kestrel sync\nDate: {date}\nAttendees: {full:1}, {full:2}, "
    "{full:3}\nApologies: {full:4}\n\n1. {first:1} summarised the {version} release.",
    "Action items\n- {first:1}: send budget to {first:2} by {date_short}\n- {first:3}: "
    "book the {city} venue\n- all: review draft",
    "Board meeting held on {date} at the {city} office. Chair: {hon:1} {last:1}. "
    "Secretary: {full:2}.",
    "Present: {initial_last:1}, {initial_last:2}, {initial_last:3}. Quorum reached.",
    "{first:1} raised the issue of late deliveries from {company}. {first:2} to follow "
    "up with their account manager.",
    "Next meeting: {datetime}, room 4B. {full:1} to circulate agenda.",
    "Attendees: {first:1} ({dept}), {first:2} ({dept}), {first:3} ({dept})\nNotes taken "
    "by {first:4}.",
    "Residents' association, {month} meeting. {full:1} reported the broken streetlight "
    "outside {street}. Council contacted.",
    "Decision: the {region} pilot goes ahead. Owner: {full:1}. Review on {date}.",
    "Welcome to {full:1}, who joins from {company} as our new {job}.",
    "AOB: {first:1} is leaving at the end of {month}; farewell lunch organised by "
    "{first:2}.",
    "Minutes approved. Proposed {last:1}, seconded {last:2}.",
    "Retro notes ({date}):\nWent well: deploy of {version}\nTo improve: on-call handover "
    "({lfirst:1} and {lfirst:2} to pair)",
    "Parent-teacher committee\nChair: {full:1}\nTreasurer: {full:2} reported balance of "
    "{price}\nFair set for {date_short}.",
    "Call with {company} ({weekday}). Their side: {full:1}, {full:2}. Ours: {full:3}. "
    "Agreed to extend the pilot in {city} and {city}.",
    "{hon:1} {last:1} thanked the volunteers and noted the event raised {price}.",
    "Item 3: office move. New address from {date}: {address}. {first:1} coordinating.",
    "Interview debrief, candidate {full:1}. Panel ({first:2}, {first:3}) recommends "
    "second round.",
    "Steering group {date}\nIn attendance: Prof. {last:1} (chair), Dr {last:2}, {full:3}"
    "\nMinutes: {first:4}",
    "{first:1} and {first:2} to visit the site in {city_country} in {month}.",
    "Safety walk-round {date}: no issues. Signed {full:1}, {job}.",
    "Quick notes from today's 1:1 with {first:1}: wants to move to {city}, discuss "
    "with {first:2} before {date_short}.",
    "Standup {weekday}\n{lfirst:1}: finishing migration\n{lfirst:2}: blocked on access\n"
    "{lfirst:3}: on leave from {date_short}",
    "Vote on new members: {full:1} (yes 7, no 0), {full:2} (yes 6, no 1). Both admitted.",
    "Minutes of the AGM held {date} at {address}. Present: 23 members.",
    "Actions carried over: {first:1} - website; {first:2} - insurance renewal "
    "({company}); {first:3} - {month} newsletter.",
    "Security review: unknown logins from {ip} and {ipv6} on {date}. {first:1} to rotate "
    "keys; {first:2} to notify {company}.",
    "Treasurer {full:1} reported that the club card {card} was charged twice; the bank has "
    "been contacted.",
)

MULTILINGUAL = (
    "Hola {first:1}, te escribo para confirmar la reunión del {date_es}. Saludos, "
    "{first:2}",
    "Estimada {hon_es:1f} {last:1f}: le recordamos que su cita es el {date_es} en nuestra "
    "consulta de {city}.",
    "Me llamo {full:1}, nací el {dob_es} en {city} y vivo en {addr_es}.",
    "Buenos días, soy {full:1}. Mi teléfono es {phone_es} y mi correo {email:1}.",
    "Envío a: {full:1}\n{addr_es_ml}\nTel.: {phone_es}",
    "El paciente {full:1m} acude con su hija {first:2f}. Refiere dolor lumbar desde ayer.",
    "Sehr geehrte {hon_de:1f} {last:1f},\n\nvielen Dank für Ihre Nachricht vom {date_de}.\n\n"
    "Mit freundlichen Grüßen\n{full:2}",
    "Hallo {first:1}, ich bin ab {date_de} in {city}. Ruf mich an: {phone_de}. LG {first:2}",
    "Lieferadresse: {full:1}, {addr_de}",
    "Herr {last:1m} ist am {dob_de} geboren und wohnt in {addr_de}.",
    "Rechnungsanschrift:\n{full:1}\n{addr_de_ml}\nIBAN: {iban}",
    "Frau Dr. {last:1f} hat die Sprechstunde am {weekday} abgesagt. Bitte {first:2} "
    "informieren.",
    "Bonjour {first:1}, je serai à {city} le {date_fr}. On se voit ? Bises, {first:2}",
    "{hon_fr:1f} {last:1f}, née le {dob_fr} à {city}, demeurant {addr_fr}.",
    "Merci de livrer le colis à {full:1}, {addr_fr}. Tél. : {phone_fr}.",
    "Chère {first:1f}, je te présente {full:2}, qui rejoint l'équipe de {city} en {month}.",
    "Adresse de facturation :\n{full:1}\n{addr_fr_ml}",
    "Olá {first:1}, tudo bem? Chego em {city} no dia {date_pt}. Abraço, {first:2}",
    "Eu, {full:1m}, nascido em {dob_pt}, residente na {addr_br}, declaro que...",
    "Prezada {hon_pt:1f} {last:1f}, sua consulta foi remarcada para {date_pt}.",
    "Entregar para {full:1}\n{addr_br_ml}\nCelular: {phone_br}",
    "Oi {lfirst:1}! manda o pix pro {lfirst:2m} hoje, ele tá esperando",
    "Hi {first:1}! / ¡Hola {first:1}! The meeting moved to {date}. / La reunión se movió "
    "al {date_es}.",
    "Contacto de emergencia: {full:2} ({phone_es}). Paciente: {full:1}, {dob_es}.",
    "Kontakt: {full:1}, {email:1}, {phone_de}. Geburtsdatum: {dob_de}.",
    "Réunion du {date_fr} : présents {full:1}, {full:2} ; excusé {full:3}.",
    "Nome: {full:1}\nData de nascimento: {dob_pt}\nEndereço: {addr_br}\nCPF: ver anexo",
    "Querido {first:1m}, feliz cumpleaños. Te esperamos el {date_es} en casa de "
    "{first:2}. Besos.",
    "Pago con tarjeta {card} a nombre de {full:1}. Gracias por su compra.",
    "Bitte überweisen Sie den Betrag auf das Konto {iban} (Kontoinhaber: {full:1}).",
    "Paiement refusé pour la carte {card}. Contactez {full:1} au {phone_fr}.",
    "Meu site pessoal: {purl:1}. Me liga no {phone_br}, {first:1}.",
)

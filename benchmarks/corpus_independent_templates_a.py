"""Templates of ``corpus_independent``: support tickets, e-mails, chat logs, medical and HR notes.

A slot is ``{name}`` or ``{name:N}``; N (default 1) ties person slots, and any other slot written
with an index, to one value within a document. The slots are listed in ``corpus_independent``.
"""

from __future__ import annotations

SUPPORT_TICKET = (
    "Ticket {ticket}\nCustomer: {full:1}\nEmail: {email:1}\nPhone: {phone}\n\n"
    "My {device} stopped charging {rel}. I bought it on {date} and it's still under warranty. "
    "Order {order}.",
    "Hello, I was charged twice for order {order} ({price} each). The card on file is "
    "{card}. Please refund one of them. Thanks, {full:1}",
    "Subject: Can't log in\n\nHi team, since the update to {version} I can't sign in. My "
    "username is {email:1} and the last login that worked was from {ip}. {first:1}",
    "Caller {full:1} (DOB {dob}) asked to change the delivery address on the account to "
    "{address}. Verified with last four of card ({last4}). Done.",
    "Customer says the technician never showed up. Appointment was booked for {date_short} "
    "between {time} and {time}. Contact {hon:1} {last:1} on {phone} to rebook.",
    "I've been a customer since {year} and this is the worst service I've had. Nobody from "
    "{company} answers the phone. Please call me back: {phone}. -- {full:1}",
    "Issue: duplicate account\nName on account 1: {full:1}\nName on account 2: "
    "{initial_last:1}\nBoth use {email:1}. Merge requested by the customer {rel}.",
    "hi, my wife {first:2f} ordered a {product} for me but it went to our old place at "
    "{address}. we moved to {city} in {monthyear}. can you reroute? order {order}",
    "Escalated to tier 2. Login attempts from {ip} and {ip} within five minutes, account "
    "owner {full:1f} ({email:1}) confirms neither was her. Password reset sent.",
    "Refund approved for {hon:1} {last:1}: {price} back to card {card}. Expect 5-7 business "
    "days. Agent: {first:2}",
    "Please update my billing details. New IBAN: {iban}. Account holder: {full:1}. The old "
    "card can be removed.",
    "The {product} I received is the wrong colour. I ordered midnight blue, got silver. "
    "Ticket opened by {full:1}, {city}.",
    "Customer {last_first:1} reports the app crashes on {version} when uploading a photo. "
    "Device: {device}. Reproduced on our side, bug filed.",
    "Good afternoon. I need the invoice for order {order} addressed to my company, "
    "{company}, not to me personally. My name is {full:1}, phone {phone}.",
    "Chargeback dispute. Cardholder {full:1}, card ending {last4}, amount {price}. "
    "Merchant notes: item delivered on {date} to {address}, signed by {first:2}.",
    "Urgent!!! Someone changed the email on my account to one I don't own. Mine is "
    "{email:1}. My SSN is {ssn} if you need to verify me. Please lock it.",
    "Follow-up from {hon:1} {last:1}: the replacement {device} arrived {rel} but the charger "
    "is missing. Order {order}. Prefers email ({email:1}).",
    "Account recovery request\nFull name: {full:1}\nDate of birth: {dob}\nPostcode on file: "
    "see address below\n{address_ml}\nLast IP seen: {ip}",
    "I spoke to {first:2} on the phone {rel} and was promised a callback before {time}. "
    "Nothing. Ticket {ticket}. {full:1}",
    "Our office in {city} can't reach the VPN. Gateway {ip}, client {version}. Raised by "
    "{full:1}, {job}.",
    "Hi, I'm writing on behalf of my mother, {full:2f}, who is {age} and doesn't use email. "
    "Her phone is {phone}. She was billed {price} for a subscription she never took.",
    "Closing note: spoke with {first:1}, issue resolved after firmware {version}. No further "
    "action. Next check-in {date_short}.",
    "Warranty claim W-{last4}\nPurchaser: {full:1}\nPurchase date: {date}\nSerial: "
    "SN{ticket}\nShip replacement to: {address}",
    "Customer on the phone was very upset, asked for a manager. Passed to {full:2}. Caller's "
    "number {phone}, calling from {country}.",
    "Can you tell me why my {product} order was cancelled? I paid with {card} and the money "
    "left my account on {date}. Regards, {hon:1} {last:1}",
    "Spam report: messages coming from {ipv6} and {ip}, signing as {full:1} <{email:1}>. "
    "Blocked both ranges.",
    "New ticket via web form. Name: {lfull:1}. Email: {email:1}. Message: 'pls call me on "
    "{phone} about the Monday delivery, im not home until {time}'",
    "Subscription paused at request of {full:1f} until {date}. She is travelling to "
    "{city_country} and back in {month}.",
    "Please remove the card {card} from my profile, it was reported stolen {rel}. A new "
    "card will follow. {full:1}",
    "Fraud team: card {card} used from {ip} in {country} while the cardholder, {hon:1} "
    "{last:1}, was at home in {city}. Card blocked.",
    "Tax form request from {full:1}, SSN {ssn}. Needs the 1099 mailed to {address}.",
)

EMAIL = (
    "Dear Dr. {last:1},\n\nThank you for seeing my son {first:2m} on {date}. As discussed, "
    "I'm attaching the school's letter.\n\nKind regards,\n{full:3}",
    "Hi {first:1},\n\nQuick one: can you send me the signed contract by {weekday}? "
    "{company} legal needs it before the {month} board.\n\nBest,\n{first:2}",
    "Hello {first:1} and {first:2},\n\nGreat to meet you both in {city} {rel}. As promised, "
    "here is my number: {phone}.\n\nCheers,\n{full:3}",
    "Dear {hon:1} {last:1},\n\nWe are pleased to confirm your appointment on {datetime}. "
    "Please bring photo ID.\n\nYours sincerely,\n{full:2}\n{job}, {company}",
    "{first:1} -\n\nFlight lands at {time}, I'll take a taxi to the hotel. Call me on "
    "{phone} if anything changes.\n\n{first:2}",
    "Hi {first:1},\n\nHope you're well! Attached are the photos from {first:2f}'s birthday "
    "(she turned {age} on {date_short}!).\n\nLove,\n{first:3}",
    "Dear Prof. {last:1},\n\nI am a second-year student and would like to ask whether you "
    "are taking PhD candidates for next year. My CV is attached.\n\nRespectfully,\n{full:2}\n"
    "{email:2}",
    "Good morning {hon:1} {last:1},\n\nFollowing our call, please find our bank details "
    "below.\nBeneficiary: {full:2}\nIBAN: {iban}\n\nMany thanks,\n{first:2}",
    "Hey {lfirst:1}!\n\nAre we still on for dinner {relf}? {first:2} says hi.\n\nxx\n{first:3}",
    "Dear colleagues,\n\n{full:1} will be joining the team as {job} from {date}. Please "
    "give {first:1} a warm welcome.\n\nBest regards,\n{full:2}",
    "Hi {first:1},\n\nI've moved! New address:\n{address_ml}\n\nSame phone as before. "
    "Come and visit.\n\n{first:2}",
    "To whom it may concern,\n\nI confirm that {full:1}, born {dob}, has been employed by "
    "{company} since {year}.\n\nSincerely,\n{full:2}\n{job}",
    "Hi {first:1},\n\nSorry I missed your call {rel}. I'm in {city} until {date_short}, "
    "back in the office after that.\n\nThanks,\n{first:2}\n\n--\n{full:2}\n{job}\n{company}\n"
    "{address_ml}\nM: {phone}",
    "Dear Ms {last:1f},\n\nYour order {order} has been refunded to the card ending {last4}. "
    "If you have questions, just reply to this email.\n\nWarm regards,\n{first:2} from "
    "{company}",
    "Hello {full:1},\n\nWe noticed a sign-in to your account from {ip} on {datetime}. If "
    "this was you, no action is needed.\n\n{company} Security",
    "{first:1}, {first:2}, {first:3},\n\nMinutes from {weekday}'s call are attached. Shout "
    "if I missed anything.\n\n{first:4}",
    "Dear Mr. and Mrs. {last:1},\n\nThank you for staying with us in {city}. We hope to "
    "welcome you again soon.\n\nWarmly,\n{full:2}, Guest Relations",
    "Hi {first:1},\n\nFor the visa letter I need your full name as in the passport, date of "
    "birth and home address. So far I have: {full:1}, {dob}, {address}. Correct?\n\n"
    "Thanks!\n{first:2}",
    "Dear {first:1},\n\nIt was lovely to catch up. Do pass my best to {first:2} and the "
    "kids.\n\nAll the best,\n{full:3}\n{purl:3}",
    "Hi all,\n\nI'm out of office from {date} to {date}. For anything urgent contact "
    "{full:2} ({email:2}, {phone}).\n\nRegards,\n{full:1}",
    "Dear Sir or Madam,\n\nI wish to complain about the {product} I bought in your {city} "
    "store on {date}. It broke after two uses.\n\nYours faithfully,\n{full:1}\n{address_ml}",
    "{hon:1} {last:1},\n\nThe contractor {full:2m} will come by on {date_short} at {time} to "
    "look at the boiler. He'll ring {phone} when he's outside.\n\nProperty Management",
    "Hi {first:1},\n\nThanks for the intro to {full:2}! We're meeting in {city} next week."
    "\n\nBest,\n{first:3}",
    "Dear Dr {last:1},\n\nMay I request a copy of my lab results from {date}? My patient "
    "number is P-{last4}, date of birth {dob}.\n\nThank you,\n{full:2}",
    "Hello {first:1},\n\nThe wire went out {rel} from my account {iban}. Let me know when "
    "it lands.\n\nCheers,\n{first:2}",
    "Hi {first:1},\n\nHappy Friday! Reminder that the offsite is at the {city} office on "
    "{date}. Bring a laptop; {first:3} is bringing the {device} for the demo.\n\n{first:2}",
    "Dear {full:1},\n\nYour application for the {job} role has been received. We will be in "
    "touch within two weeks.\n\nKind regards,\nTalent team, {company}",
    "Hi {first:1},\n\nCan you book the hotel on the team card? Number is {card}, the CVC is"
    " on the back of the one in the drawer. Delete this email after!\n\n{first:2}",
    "Dear {hon:1} {last:1},\n\nTo process your claim we need to confirm your Social "
    "Security number. The form says {ssn} but the last digits are hard to read; could you "
    "confirm?\n\nRegards,\n{full:2}\nClaims Office",
    "Hi {first:1},\n\nNice meeting you at the conference! My portfolio is at {purl:2} if "
    "you want to see the project I mentioned.\n\n{first:2}",
)

CHAT = (
    "[{time}] {lfirst:1}: did u send the deck to {lfirst:2}?\n[{time}] {lfirst:3}: not yet, "
    "will do after lunch\n[{time}] {lfirst:1}: ok thx",
    "{lfirst:1}: who's on call this weekend\n{lfirst:2}: me and {lfirst:3} i think\n"
    "{lfirst:1}: cool",
    "@{lfirst:1} @{lfirst:2} standup moved to {time} today",
    "ask {lfirst:1} and {lfirst:2}, they did the migration last time",
    "{lfirst:1}: omg my flight to {city} got cancelled\n{lfirst:2}: nooo\n{lfirst:1}: "
    "rebooked for {date_short} ugh",
    "lol {lfirst:1} just pushed to main on a friday",
    "{lfirst:1}: whats ur number again\n{lfirst:2}: {phone}\n{lfirst:1}: saved",
    "hey can someone ping {first:1} {last:1}? their email is {email:1} i think",
    "{lfirst:1}: server at {ip} is down again\n{lfirst:2}: restarting\n{lfirst:2}: back up",
    "fyi {lfirst:1} is out sick today, {lfirst:2} is covering",
    "{lfirst:1}: happy bday {lfirst:2}!!! 🎉\n{lfirst:3}: happy birthday!!\n{lfirst:2}: "
    "thank u guys",
    "{lfirst:1}: anyone going to the meetup in {city} on {date_short}?\n{lfirst:2}: yep "
    "me\n{lfirst:3}: cant make it sry",
    "@{lfirst:1} pls review my PR when u get a sec, its the fix for {version}",
    "{lfirst:1}: my new address is {address} if ur sending the invite by post lol",
    "{lfirst:1}: just landed\n{lfirst:1}: taking an uber, see u at {time}\n{lfirst:2}: 👍",
    "thanks @{lfirst:1} and @{lfirst:2} for covering the release yesterday 🙏",
    "{lfirst:1}: does anyone have {first:2}'s cell\n{lfirst:3}: {phone}",
    "[{time}] <{lfirst:1}> brb\n[{time}] <{lfirst:2}> k\n[{time}] <{lfirst:1}> back",
    "{lfirst:1}: tbh i think {lfirst:2} should lead the {city} project\n{lfirst:3}: agreed",
    "{lfirst:1}: im at the mall, want anything\n{lfirst:2}: a {product} lol jk. coffee pls",
    "{lfirst:1}: moving to {country} in {month}!!\n{lfirst:2}: whaaat congrats",
    "{lfirst:1}: my kid was born on {date} and i still havent slept lol\n{lfirst:2}: haha "
    "congrats!!",
    "can u add {lfirst:1} and {lfirst:2} and {lfirst:3} to the channel",
    "{lfirst:1}: vpn keeps dropping, my ip is {ip}\n{lfirst:2}: try {version}",
    "{lfirst:1}: where r u\n{lfirst:2}: stuck in traffic near {city}, 20 min",
    "{first:1}: Morning all. I'll be remote today.\n{first:2}: No worries\n{first:1}: "
    "Ping me on {phone} if urgent",
    "{lfirst:1}: sent u the money for the tickets, iban {iban} right?\n{lfirst:2}: yes ty",
    "{lfirst:1}: can i use ur card for the pizza\n{lfirst:2}: {card} dont tell anyone lol",
    "{lfirst:1}: my ipv6 is {ipv6} if u need to whitelist it\n{lfirst:2}: done",
    "{lfirst:1}: check out my new site {purl:1}\n{lfirst:2}: nice!!",
)

MEDICAL_NOTE = (
    "Patient: {full:1}\nDOB: {dob}\nMRN: M{ticket}\n\nS: {age}yo presenting with chest "
    "tightness that started {rel}. O: BP 142/91. A/P: ECG, start {med}. Review {date_short}.",
    "{hon:1} {last:1} seen in clinic today. Known T2DM on {med}. HbA1c improved. Lives with "
    "daughter {first:2f} in {city}. Next appointment {date}.",
    "Referral letter\n\nDear Dr. {last:2},\n\nI would be grateful if you could see "
    "{full:1} (born {dob}), a {age}-year-old with persistent knee pain.\n\nDr. {full:3}",
    "Discharge summary: {full:1}, admitted {date}, discharged {date}. Diagnosis: "
    "community-acquired pneumonia. Discharged on {med}. GP: Dr {last:2}.",
    "Nursing note {time}: pt {last:1} comfortable, pain 3/10. Wife {first:2f} visited. "
    "Contact number for family: {phone}.",
    "Telephone consult with {full:1}. Complains of dizziness after starting {med}. Advised "
    "to halve the dose. Pharmacist {first:2} informed.",
    "NEXT OF KIN: {full:2m} (son), {phone}, {address}\nPATIENT: {full:1}, DOB {dob}",
    "Pt {initial_last:1f}, {age} F, G2P1, LMP {date}. Booking bloods taken. Midwife "
    "{full:2}.",
    "Vaccination record for {full:1} (DOB {dob}): influenza given {date}, batch FL{last4}. "
    "No reaction observed after 15 minutes.",
    "Mr {last:1m} attended with his carer {first:2}. Memory has declined since {monthyear}. "
    "Lives alone at {address}. Social work referral made.",
    "Physio assessment: {full:1}, works as a {job}, injured right shoulder playing "
    "tennis {rel}. Plan: 6 sessions, home exercises.",
    "ED triage {datetime}: {full:1m}, {age}M, fall from ladder. GCS 15. Brought in by "
    "ambulance from {city}. Allergies: penicillin.",
    "Letter to patient\n\n{hon:1} {full:1}\n{address_ml}\n\nDear {hon:1} {last:1},\n\n"
    "Your recent blood tests were normal. No further action is needed.\n\nDr {last:2}",
    "Psychiatry follow-up: {first:1} reports better sleep on {med}. Mood 6/10. Partner "
    "{first:2} supportive. Review in four weeks.",
    "Insurance pre-authorisation\nMember: {full:1}\nMember DOB: {dob}\nSSN: {ssn}\n"
    "Procedure: MRI lumbar spine\nRequesting physician: Dr. {full:2}",
    "{last:1}, {first:1} - seen {date}. Rash on forearms after gardening. Prescribed "
    "hydrocortisone cream. Return if no better.",
    "Home visit to {full:1} at {address}. Wound dressing changed. Daughter-in-law "
    "{full:2f} present.",
    "Clinic list {weekday}: {time} {full:1} (new), {time} {full:2} (f/u), {time} "
    "{full:3} (results).",
    "Antenatal: {full:1f} and partner {first:2} attended 20-week scan. EDD {date}. All "
    "measurements normal.",
    "Patient {full:1} was born in {year_born} in {city} and moved to {country} as a child. "
    "Interpreter requested for future visits.",
    "Prescription: {med}, one tablet daily, 28 days. Patient: {full:1}, {dob}. "
    "Prescriber: Dr. {last:2}, {city} Family Practice.",
    "Dr. {last:1} called re: {first:2} {last:2}'s potassium (5.9). Repeat tomorrow {time}.",
    "Allergy clinic: {full:1}, peanut allergy diagnosed {monthyear}. EpiPen prescribed. "
    "School nurse {hon:2} {last:2} to be informed.",
    "Dental record - {full:1}\nPhone: {phone}\nLast check-up: {date}\nNotes: crown on "
    "lower left 6, recall in six months.",
    "Handover: bed 4 {last:1}, post-op day 2, mobilising. Bed 7 {last:2}, awaiting CT. "
    "Bed 9 {last:3}, for discharge {relf}.",
    "Ms {last:1f} phoned to cancel {weekday}'s appointment; rebooked for {date}. New "
    "mobile: {phone}.",
    "Billing: patient {full:1}, SSN {ssn}, insurer {company}. Card on file {card} for the "
    "copay.",
    "Telehealth session {datetime}, patient {full:1} connected from {ip}. Audio issues, "
    "switched to phone {phone}.",
)

HR_NOTE = (
    "Employee: {full:1}\nEmployee ID: E{last4}\nStart date: {date}\nManager: {full:2}\n"
    "Role: {job}\nLocation: {city}",
    "Payroll change: {full:1} asked to move salary payments to IBAN {iban} from next month.",
    "Probation review for {first:1} {last:1}: meets expectations. {first:2} recommends "
    "confirmation. Signed off by {hon:3} {last:3}.",
    "New hire paperwork received for {full:1}: SSN {ssn}, DOB {dob}, home address "
    "{address}.",
    "Exit interview with {full:1} ({job}). Leaving for a role at {company} in {city}. "
    "Last working day {date}.",
    "Sick leave: {full:1}, {date} to {date}, fit note received. Return-to-work meeting "
    "with {first:2} booked.",
    "Grievance raised by {full:1} against line manager {full:2}. Investigating officer: "
    "{full:3}. Hearing set for {datetime}.",
    "Emergency contact updated for {full:1}: {full:2} (spouse), {phone}.",
    "Relocation: {first:1} {last:1} moves from {city} to {city} in {month}. Relocation "
    "allowance {price}. New address to follow.",
    "Reference request for former employee {full:1}, employed {monthyear} - "
    "{monthyear} as {job}. Confirmed dates only, per policy.",
    "Parental leave: {full:1} expecting on {date_short}. Leave from {date}. Cover: "
    "{full:2}.",
    "Salary review: {last_first:1}, current {price}, proposed {price}. Approved by "
    "{hon:2} {last:2} ({job}).",
    "Background check cleared for {full:1}, born {dob} in {city_country}. Previous "
    "address: {address_ml}",
    "Disciplinary note: {first:1} late to shift four times since {date}. Verbal warning "
    "given by {first:2}.",
    "Interview panel for {job}: {full:1}, {full:2}, {full:3}. Candidate: {full:4}, "
    "{email:4}.",
    "Visa sponsorship: {full:1}, citizen of {country}, passport expires {date}. Contact "
    "at immigration firm: {full:2}, {phone}.",
    "Onboarding checklist - {first:1}\n[x] laptop ({device})\n[x] badge\n[ ] payroll "
    "({iban})\n[ ] buddy assigned: {first:2}",
    "{full:1} works remotely from {region}. Tax residence to be reviewed before {date}.",
    "Promotion letter drafted for {hon:1} {last:1}: {job} effective {date}.",
    "Team change: {first:1} and {first:2} move from {dept} to Platform. {first:3} stays.",
    "Accident at work reported {datetime}: {full:1} slipped in the {city} warehouse. "
    "First aid by {full:2}. No lost time.",
    "Personal details change request\nName: {full:1}\nNew phone: {phone}\nNew email: "
    "{email:1}\nNew address:\n{address_ml}",
    "Note to file: {full:1} disclosed a disability and requested an adjusted chair and "
    "screen. Approved by {first:2} on {date}.",
    "Retirement: {full:1} retires on {date} after 31 years with {company}. Leaving do "
    "organised by {first:2}.",
    "Overtime claim for {first:1} {last:1}, week of {date}: 9 hours. Approver {full:2}.",
    "Candidate {full:1} accepted our offer. Start {date}, {city} office, reporting to "
    "{full:2}. Offer letter sent to {email:1}.",
    "Corporate card {card} issued to {full:1} ({job}), monthly limit {price}.",
    "W-4 received from {full:1}; SSN {ssn}. Payroll start {date}.",
    "New starter profile: {full:1}, {job}. LinkedIn {purl:1}. Laptop IP reserved: {ip}.",
)

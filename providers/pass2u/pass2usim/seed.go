package pass2usim

// Model is a seeded pass model.
type Model struct {
	ID        int
	Name      string
	Campaigns []Campaign
}

// Campaign is a seeded checkout campaign.
type Campaign struct {
	ID   int
	Name string
	// Undo says whether the account may unredeem in this campaign: a
	// redeem then answers a Location and unredeemable true.
	Undo bool
}

// Models are the models and campaigns every Sim holds, all assigned to
// its account.
var Models = []Model{
	{ID: 1248, Name: "Cake Shop Loyalty Card", Campaigns: []Campaign{
		{ID: 381, Name: "10% off", Undo: true},
		{ID: 382, Name: "NT$50 off", Undo: true},
		{ID: 383, Name: "Free coffee", Undo: true},
	}},
	{ID: 1250, Name: "Cake Shop Cooking Class", Campaigns: []Campaign{
		{ID: 355, Name: "12/10 Lesson"},
		{ID: 356, Name: "12/11 Lesson"},
	}},
}

// kind is what a barcode prefix makes of a pass.
type kind struct {
	prefix   string
	redeemed bool   // redeemed before the Sim started
	refusal  string // the 400 message every redeem and unredeem gets
	// undoRefusal is the unredeem's message where the document spells it
	// otherwise.
	undoRefusal string
}

// kinds are the magic barcode prefixes, in the document's order of the
// 400 messages. Any other barcode is unknown.
var kinds = []kind{
	{prefix: "P2U-OK-"},
	{prefix: "P2U-USED-", redeemed: true},
	{prefix: "P2U-EXPIRED-", refusal: "The pass is expired."},
	{prefix: "P2U-VOID-", refusal: "The pass is voided."},
	{prefix: "P2U-TBREFUND-", refusal: "The pass of the TickeBao order is refunded."},
	// The document's typo "TickeBo" in the redeem section, kept.
	{prefix: "P2U-TBUSED-", refusal: "The pass of the TickeBo order is redeemed.", undoRefusal: "The pass of the TickeBao order is redeemed."},
	{prefix: "P2U-TBNONE-", refusal: "No TicketBao order details for this pass."},
	{prefix: "P2U-DISABLED-", refusal: "This campaign is not enabled."},
	{prefix: "P2U-NOTYET-", refusal: "This campaign does not start yet."},
	{prefix: "P2U-ENDED-", refusal: "This campaign ends already."},
	{prefix: "P2U-UNASSIGNED-", refusal: "This account is not assigned for the campaign."},
	{prefix: "P2U-NOREDEEM-", refusal: "This account is not allowed to redeem."},
	{prefix: "P2U-POINTS-", refusal: "Point / credit / stamp campaign is not supported yet."},
}

// The document's other messages.
const (
	msgMissing       = "modelId, campaignId, or barcode must be assigned."
	msgAlreadyRedeem = "The pass is already redeemed."
	msgNotRedeemed   = "The pass was not redeemed."
	msgNotAllowed    = "This account is not allowed to redeem."
	msgBadKey        = "API key is not valid."
	msgBadAccount    = "This account is not valid."
	msgNoAdmin       = "No admin account."
	msgNoCampaigns   = "This account is not assigned for any campaign."
	msgBadBarcode    = "Not valid barcode."
	msgNoCampaign    = "This campaign is not found."
	msgInternal      = "Internal error."
	msgTooMany       = "Too many requests."
	msgNoRoute       = "Not found."
	msgMethod        = "Method not allowed."
)

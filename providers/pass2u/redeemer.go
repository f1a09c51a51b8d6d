package pass2u

import (
	"context"

	"till/providers"
)

// Redeemer is providers.Redeemer over c, for the journal and its replay:
// op.Pass names the pass, op.Key is the redemption's key and op.Resend
// says it may have reached Pass2U before.
func (c *Client) Redeemer() providers.Redeemer { return redeemer{c} }

type redeemer struct{ c *Client }

func (r redeemer) Name() string { return r.c.Name() }

func (r redeemer) Campaigns(ctx context.Context) ([]providers.Campaign, error) {
	models, err := r.c.Models(ctx)
	if err != nil {
		return nil, err
	}
	var out []providers.Campaign
	for _, m := range models {
		for _, c := range m.Campaigns {
			out = append(out, providers.Campaign{Model: m.ID, ModelName: m.Name, ID: c.ID, Name: c.Name})
		}
	}
	return out, nil
}

func (r redeemer) Redeem(ctx context.Context, op providers.Op) providers.Outcome {
	return r.c.RedeemOutcome(ctx, fromOp(op))
}

func (r redeemer) Unredeem(ctx context.Context, op providers.Op) providers.Outcome {
	return r.c.UnredeemOutcome(ctx, fromOp(op))
}

func fromOp(op providers.Op) Redemption {
	var p providers.Pass
	if op.Pass != nil {
		p = *op.Pass
	}
	return Redemption{Key: op.Key, SaleID: op.SaleID, ModelID: p.Model, CampaignID: p.Campaign, Barcode: p.Barcode,
		Created: op.Created, Resent: op.Resend}
}

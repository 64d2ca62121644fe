namespace MySaasChat.Contracts;

// Events Billing (and the chat quota accounting) publish for Notifications. Money is in minor units
// of the ISO 4217 currency (cents for USD, yen for JPY), as Stripe counts it.

/// <summary>A charge went through: the user gets a receipt.</summary>
public sealed record PaymentSucceeded(
    Guid UserId,
    string Email,
    string Name,
    string InvoiceId,
    long AmountMinor,
    string Currency,
    string Description,
    DateTimeOffset PaidAt,
    string? ReceiptUrl) : IntegrationEvent;

/// <summary>A charge was declined: the user is asked to update the payment method.</summary>
public sealed record PaymentFailed(
    Guid UserId,
    string Email,
    string Name,
    string InvoiceId,
    long AmountMinor,
    string Currency,
    string Description,
    string? Reason,
    DateTimeOffset? NextAttemptAt) : IntegrationEvent;

/// <summary>
/// A user's usage crossed a threshold of the plan's quota (80 and 100 are the ones mailed).
/// <paramref name="Unit"/> names what is counted, e.g. "tokens".
/// </summary>
public sealed record QuotaThresholdReached(
    Guid UserId,
    string Email,
    string Name,
    int Percent,
    long Used,
    long Limit,
    string Unit,
    string Plan,
    DateTimeOffset? ResetsAt) : IntegrationEvent;

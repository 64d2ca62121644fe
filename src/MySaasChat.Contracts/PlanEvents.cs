namespace MySaasChat.Contracts;

/// <summary>A user's plan changed (free, pro, enterprise). Chat keeps a local projection for quotas.</summary>
public sealed record SubscriptionChanged(Guid UserId, string Plan) : IntegrationEvent;

namespace MySaasChat.Contracts;

public sealed record ConversationCreated(Guid ConversationId, Guid UserId, string Title) : IntegrationEvent;

public sealed record MessageSent(Guid MessageId, Guid ConversationId, Guid UserId, string Model, int Length) : IntegrationEvent;

/// <summary>One finished generation: <paramref name="Outcome"/> is complete, stopped or failed.</summary>
public sealed record CompletionFinished(
    Guid MessageId, Guid ConversationId, Guid UserId, string Provider, string Model,
    int PromptTokens, int CompletionTokens, decimal Cost, double? FirstTokenMs, double TotalMs, string Outcome) : IntegrationEvent;

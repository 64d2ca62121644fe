namespace MySaasChat.Modules.Chat.Domain;

/// <summary>One completion's cost, the basis of GET /usage and the monthly quota.</summary>
public sealed class UsageRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid MessageId { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public decimal Cost { get; set; }
    public double? FirstTokenMs { get; set; }
    public double TotalMs { get; set; }
    public string Outcome { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Chat's own copy of each user's plan, fed by SubscriptionChanged.</summary>
public sealed class UserPlan
{
    public Guid UserId { get; set; }
    public string Plan { get; set; } = Plans.Free;
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class Plans
{
    public const string Free = "free";
    public const string Pro = "pro";
    public const string Enterprise = "enterprise";

    public static string Normalize(string? plan) => plan?.Trim().ToLowerInvariant() switch
    {
        Pro => Pro,
        Enterprise => Enterprise,
        _ => Free,
    };
}

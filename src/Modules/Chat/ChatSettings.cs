using System.Globalization;
using Microsoft.Extensions.Configuration;
using MySaasChat.Hosting;

namespace MySaasChat.Modules.Chat;

/// <summary>A provider the operator configured: its key, model and (for tests and compatible servers) base URL.</summary>
/// <summary><paramref name="Models"/>: the provider's models, the first being its default (OPENAI_MODEL=a,b lists several).</summary>
public sealed record ProviderSettings(string Name, string? ApiKey, IReadOnlyList<string> Models, string? BaseUrl)
{
    public string Model => Models[0];

    public bool Configured => Name == "compatible" ? BaseUrl is not null : ApiKey is not null || (Name == "openai" && BaseUrl is not null);
}

/// <summary>Every setting of the chat module, read once at start-up; a bad value names its variable.</summary>
public sealed class ChatSettings
{
    public required IReadOnlyList<ProviderSettings> Providers { get; init; }
    public string? DefaultModel { get; init; }
    public IReadOnlyList<string> FallbackOrder { get; init; } = [];
    public int MaxContextMessages { get; init; } = 20;
    public int MaxOutputTokens { get; init; } = 1024;
    public int MaxMessageLength { get; init; } = 32_000;
    public TimeSpan ProviderTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int ProviderRetries { get; init; } = 2;
    public int CircuitFailures { get; init; } = 5;
    public TimeSpan CircuitBreak { get; init; } = TimeSpan.FromSeconds(30);
    public int OfflineDelayMs { get; init; } = 30;
    public TimeSpan SaveInterval { get; init; } = TimeSpan.FromSeconds(2);
    public int MaxConcurrentReplies { get; init; } = 3;
    public IReadOnlyDictionary<string, (decimal In, decimal Out)> Prices { get; init; } = new Dictionary<string, (decimal, decimal)>();
    public IReadOnlyDictionary<string, int> ContextWindows { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, long> Quotas { get; init; } = new Dictionary<string, long>();

    /// <summary>USD per million tokens (in, out) of well-known models; MODEL_PRICES overrides or adds.</summary>
    private static readonly Dictionary<string, (decimal, decimal)> KnownPrices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["offline"] = (0m, 0m),
        ["gpt-4o-mini"] = (0.15m, 0.60m),
        ["gpt-4o"] = (2.50m, 10.00m),
        ["gpt-4.1"] = (2.00m, 8.00m),
        ["gpt-4.1-mini"] = (0.40m, 1.60m),
        ["claude-sonnet-4-5"] = (3.00m, 15.00m),
        ["claude-haiku-4-5"] = (1.00m, 5.00m),
        ["claude-opus-4-1"] = (15.00m, 75.00m),
        ["gemini-2.0-flash"] = (0.10m, 0.40m),
        ["gemini-2.5-flash"] = (0.30m, 2.50m),
        ["gemini-2.5-pro"] = (1.25m, 10.00m),
        ["llama-3.1-8b-instant"] = (0.05m, 0.08m),
        ["llama-3.3-70b-versatile"] = (0.59m, 0.79m),
    };

    private static readonly Dictionary<string, int> KnownWindows = new(StringComparer.OrdinalIgnoreCase)
    {
        ["offline"] = 8192,
        ["gpt-4o-mini"] = 128_000,
        ["gpt-4o"] = 128_000,
        ["gpt-4.1"] = 1_047_576,
        ["gpt-4.1-mini"] = 1_047_576,
        ["claude-sonnet-4-5"] = 200_000,
        ["claude-haiku-4-5"] = 200_000,
        ["claude-opus-4-1"] = 200_000,
        ["gemini-2.0-flash"] = 1_048_576,
        ["gemini-2.5-flash"] = 1_048_576,
        ["gemini-2.5-pro"] = 1_048_576,
        ["llama-3.1-8b-instant"] = 131_072,
        ["llama-3.3-70b-versatile"] = 131_072,
    };

    public static ChatSettings Load(IConfiguration config)
    {
        var s = new Settings(config);
        var providers = new List<ProviderSettings>
        {
            new("openai", s.String("OPENAI_API_KEY"), Models(s, "OPENAI_MODEL", "gpt-4o-mini"), Url(s, "OPENAI_BASE_URL")),
            new("anthropic", s.String("ANTHROPIC_API_KEY"), Models(s, "ANTHROPIC_MODEL", "claude-sonnet-4-5"), Url(s, "ANTHROPIC_BASE_URL")),
            new("google", s.String("GOOGLE_API_KEY"), Models(s, "GOOGLE_MODEL", "gemini-2.0-flash"), Url(s, "GOOGLE_BASE_URL")),
            // A second OpenAI-compatible server beside OpenAI itself: Groq, Ollama, vLLM, LM Studio, Workers AI.
            new("compatible", s.String("OPENAI_COMPATIBLE_API_KEY"), Models(s, "OPENAI_COMPATIBLE_MODEL", "llama-3.1-8b-instant"), Url(s, "OPENAI_COMPATIBLE_BASE_URL")),
        };
        var fallback = s.List("CHAT_FALLBACK_ORDER").Select(p => p.ToLowerInvariant()).ToList();
        foreach (var name in fallback)
        {
            if (name is not ("openai" or "anthropic" or "google" or "compatible" or "offline"))
            {
                throw new SettingsException("CHAT_FALLBACK_ORDER", $"'{name}' is not a provider; use openai, anthropic, google, compatible or offline");
            }
        }
        var prices = new Dictionary<string, (decimal, decimal)>(KnownPrices, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, value) in Pairs(s, "MODEL_PRICES"))
        {
            var parts = value.Split(':');
            if (parts.Length != 2
                || !decimal.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var pin)
                || !decimal.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var pout)
                || pin < 0 || pout < 0)
            {
                throw new SettingsException("MODEL_PRICES", $"'{model}={value}' must be model=in:out in USD per million tokens, e.g. gpt-4o-mini=0.15:0.60");
            }
            prices[model] = (pin, pout);
        }
        var windows = new Dictionary<string, int>(KnownWindows, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, value) in Pairs(s, "MODEL_CONTEXT_WINDOWS"))
        {
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 256)
            {
                throw new SettingsException("MODEL_CONTEXT_WINDOWS", $"'{model}={value}' must be model=tokens with at least 256 tokens");
            }
            windows[model] = n;
        }
        return new ChatSettings
        {
            Providers = providers,
            DefaultModel = s.String("CHAT_DEFAULT_MODEL"),
            FallbackOrder = fallback,
            MaxContextMessages = s.Int("MAX_CONTEXT_MESSAGES", 20, 1, 1000),
            MaxOutputTokens = s.Int("CHAT_MAX_OUTPUT_TOKENS", 1024, 16, 200_000),
            MaxMessageLength = s.Int("CHAT_MAX_MESSAGE_LENGTH", 32_000, 1, 1_000_000),
            ProviderTimeout = s.Duration("CHAT_PROVIDER_TIMEOUT", TimeSpan.FromSeconds(60)),
            ProviderRetries = s.Int("CHAT_PROVIDER_RETRIES", 2, 0, 10),
            CircuitFailures = s.Int("CHAT_CIRCUIT_FAILURES", 5, 1, 1000),
            CircuitBreak = s.Duration("CHAT_CIRCUIT_BREAK", TimeSpan.FromSeconds(30)),
            OfflineDelayMs = s.Int("CHAT_OFFLINE_DELAY_MS", 30, 0, 10_000),
            SaveInterval = s.Duration("CHAT_SAVE_INTERVAL", TimeSpan.FromSeconds(2)),
            MaxConcurrentReplies = s.Int("CHAT_MAX_CONCURRENT_REPLIES", 3, 1, 1000),
            Prices = prices,
            ContextWindows = windows,
            Quotas = new Dictionary<string, long>
            {
                ["free"] = Long(s, "FREE_MONTHLY_TOKEN_QUOTA", 100_000),
                ["pro"] = Long(s, "PRO_MONTHLY_TOKEN_QUOTA", 2_000_000),
                ["enterprise"] = Long(s, "ENTERPRISE_MONTHLY_TOKEN_QUOTA", 0),
            },
        };
    }

    public (decimal In, decimal Out) PriceOf(string model) => Prices.TryGetValue(model, out var p) ? p : (0m, 0m);

    public int ContextWindowOf(string model) => ContextWindows.TryGetValue(model, out var n) ? n : 8192;

    /// <summary>0 means unlimited.</summary>
    public long QuotaOf(string plan) => Quotas.TryGetValue(plan, out var q) ? q : Quotas["free"];

    private static IReadOnlyList<string> Models(Settings s, string name, string fallback)
    {
        var models = s.List(name);
        if (models.Count == 0) return [fallback];
        if (models.Any(m => m.Length > 100 || m.Any(char.IsWhiteSpace)))
        {
            throw new SettingsException(name, "must be model ids separated by commas, e.g. gpt-4o-mini,gpt-4o");
        }
        if (models.Contains("offline", StringComparer.OrdinalIgnoreCase))
        {
            throw new SettingsException(name, "'offline' is the built-in model's name; choose another");
        }
        return models;
    }

    private static string? Url(Settings s, string name)
    {
        var value = s.String(name);
        if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https")))
        {
            throw new SettingsException(name, $"'{value}' must be an http(s) URL");
        }
        return value?.TrimEnd('/');
    }

    private static long Long(Settings s, string name, long fallback)
    {
        var value = s.String(name);
        if (value is null) return fallback;
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            throw new SettingsException(name, $"'{value}' must be a whole number of tokens (0 = unlimited)");
        }
        return n;
    }

    private static IEnumerable<(string Model, string Value)> Pairs(Settings s, string name)
    {
        foreach (var item in s.List(name))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw new SettingsException(name, $"'{item}' must be model=value");
            yield return (item[..eq].Trim(), item[(eq + 1)..].Trim());
        }
    }
}

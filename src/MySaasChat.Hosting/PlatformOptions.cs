using System.Globalization;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace MySaasChat.Hosting;

/// <summary>A setting that stops the process: the message names the variable to fix.</summary>
public sealed class SettingsException(string variable, string message) : Exception($"{variable}: {message}")
{
    public string Variable { get; } = variable;
}

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>
/// Every platform setting, read from the environment variables named in .env.example and checked
/// once at start-up. Modules read their own settings the same way through <see cref="Settings"/>.
/// </summary>
public sealed class PlatformOptions
{
    public static readonly IReadOnlyDictionary<string, int> TargetPorts = new Dictionary<string, int>
    {
        ["all"] = 8080, ["auth"] = 3001, ["chat"] = 3002, ["billing"] = 3003,
        ["analytics"] = 3004, ["notifications"] = 3005, ["orchestrator"] = 3006,
    };

    public required string Target { get; init; }
    public required int Port { get; init; }
    public required string DataDir { get; init; }
    public required string ServiceName { get; init; }
    public required string Version { get; init; }
    public required string Environment { get; init; }
    public bool IsAll => Target == "all";

    public DatabaseProvider Database { get; init; }
    /// <summary>PostgreSQL connection string (Npgsql form) when <see cref="Database"/> is Postgres.</summary>
    public string? PostgresConnectionString { get; init; }
    /// <summary>Which variable the database settings came from, to name it in errors.</summary>
    public string DatabaseVariable { get; init; } = "DATABASE_URL";
    public bool MigrateOnStart { get; init; }

    public StackExchange.Redis.ConfigurationOptions? Redis { get; init; }
    public string? RabbitMqUrl { get; init; }
    /// <summary>Prefix of every Redis key, so several deployments (or test runs) can share one Redis.</summary>
    public string RedisKeyPrefix { get; init; } = "mysaaschat:";
    /// <summary>Prefix of the exchange and queue names, so several deployments (or test runs) can share one broker.</summary>
    public string RabbitMqPrefix { get; init; } = "mysaaschat";

    public IReadOnlyList<string> CorsOrigins { get; init; } = [];
    public bool CorsCredentials { get; init; }
    public int RateLimitWindowMs { get; init; }
    public int RateLimitMaxRequests { get; init; }
    public bool MaintenanceMode { get; init; }
    public IReadOnlyList<string> MaintenanceAllowedIps { get; init; } = [];
    public int HstsMaxAge { get; init; }
    public long MaxRequestBodySize { get; init; }
    public bool TrustProxy { get; init; }

    public string LogLevel { get; init; } = "Information";
    public string? OtlpEndpoint { get; init; }
    public string? SentryDsn { get; init; }

    public static PlatformOptions Load(IConfiguration config, string? targetArg = null, int? portArg = null)
    {
        var s = new Settings(config);
        var target = (targetArg ?? s.String("TARGET") ?? "all").Trim().ToLowerInvariant();
        if (!TargetPorts.TryGetValue(target, out var defaultPort))
        {
            throw new SettingsException("TARGET", $"'{target}' is not a target; use one of {string.Join(", ", TargetPorts.Keys)}");
        }
        var port = portArg ?? s.Int("PORT", defaultPort, 1, 65535);
        var dataDir = Path.GetFullPath(s.String("DATA_DIR") ?? "./data");

        var (provider, pg, dbVariable) = ReadDatabase(s);
        var redis = ReadRedis(s);
        var rabbit = s.String("RABBITMQ_URL");
        if (rabbit is not null)
        {
            if (!Uri.TryCreate(rabbit, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
            {
                throw new SettingsException("RABBITMQ_URL", "must be an amqp:// or amqps:// URL, e.g. amqp://user:pass@rabbitmq:5672/");
            }
        }

        if (target != "all")
        {
            var missing = new List<string>();
            if (rabbit is null) missing.Add("RABBITMQ_URL");
            if (redis is null) missing.Add("REDIS_URL");
            if (missing.Count > 0)
            {
                throw new SettingsException(missing[0],
                    $"target '{target}' runs beside other services and needs a shared broker and cache; set {string.Join(" and ", missing)} " +
                    "(the in-process bus and in-memory cache only work in target 'all')");
            }
        }

        var origins = s.List("CORS_ORIGIN");
        var credentials = s.Bool("CORS_CREDENTIALS", false);
        if (credentials && origins.Contains("*"))
        {
            throw new SettingsException("CORS_ORIGIN", "cannot be '*' when CORS_CREDENTIALS=true; list the origins");
        }
        foreach (var origin in origins.Where(o => o != "*"))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
            {
                throw new SettingsException("CORS_ORIGIN", $"'{origin}' is not an http(s) origin");
            }
        }

        var logLevel = (s.String("LOG_LEVEL") ?? "info").ToLowerInvariant() switch
        {
            "trace" => "Trace",
            "debug" => "Debug",
            "info" or "information" => "Information",
            "warn" or "warning" => "Warning",
            "error" => "Error",
            "fatal" or "critical" => "Critical",
            "none" or "silent" => "None",
            var other => throw new SettingsException("LOG_LEVEL", $"'{other}' is not a level; use trace, debug, info, warn, error or fatal"),
        };

        var otlp = s.String("OTEL_EXPORTER_OTLP_ENDPOINT");
        var jaeger = s.String("JAEGER_AGENT_HOST");
        if (otlp is null && jaeger is not null)
        {
            // Jaeger takes OTLP natively; its agent host serves OTLP/gRPC on 4317.
            otlp = $"http://{jaeger}:{s.Int("JAEGER_OTLP_PORT", 4317, 1, 65535)}";
        }
        if (otlp is not null && !Uri.TryCreate(otlp, UriKind.Absolute, out _))
        {
            throw new SettingsException(jaeger is not null && s.String("OTEL_EXPORTER_OTLP_ENDPOINT") is null ? "JAEGER_AGENT_HOST" : "OTEL_EXPORTER_OTLP_ENDPOINT", $"'{otlp}' is not a URL");
        }

        var sentry = s.String("SENTRY_DSN");
        if (sentry is not null && !Uri.TryCreate(sentry, UriKind.Absolute, out _))
        {
            throw new SettingsException("SENTRY_DSN", "is not a DSN URL");
        }

        return new PlatformOptions
        {
            Target = target,
            Port = port,
            DataDir = dataDir,
            ServiceName = target == "all" ? "mysaaschat" : $"mysaaschat-{target}",
            Version = typeof(PlatformOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            Environment = s.String("ASPNETCORE_ENVIRONMENT") ?? "Production",
            Database = provider,
            PostgresConnectionString = pg,
            DatabaseVariable = dbVariable,
            MigrateOnStart = s.Bool("MIGRATE_ON_START", target == "all"),
            Redis = redis,
            RabbitMqUrl = rabbit,
            RedisKeyPrefix = s.String("REDIS_KEY_PREFIX") ?? "mysaaschat:",
            RabbitMqPrefix = s.String("RABBITMQ_PREFIX") ?? "mysaaschat",
            CorsOrigins = origins,
            CorsCredentials = credentials,
            RateLimitWindowMs = s.Int("RATE_LIMIT_WINDOW_MS", 60_000, 1, int.MaxValue),
            RateLimitMaxRequests = s.Int("RATE_LIMIT_MAX_REQUESTS", 600, 1, int.MaxValue),
            MaintenanceMode = s.Bool("MAINTENANCE_MODE", false),
            MaintenanceAllowedIps = s.List("MAINTENANCE_ALLOWED_IPS"),
            HstsMaxAge = s.Int("HSTS_MAX_AGE", 0, 0, int.MaxValue),
            MaxRequestBodySize = s.Size("MAX_REQUEST_BODY_SIZE", 10 * 1024 * 1024),
            TrustProxy = s.Bool("TRUST_PROXY", false),
            LogLevel = logLevel,
            OtlpEndpoint = otlp,
            SentryDsn = sentry,
        };
    }

    private static (DatabaseProvider, string?, string) ReadDatabase(Settings s)
    {
        var url = s.String("DATABASE_URL");
        if (url is not null)
        {
            if (url.StartsWith("sqlite", StringComparison.OrdinalIgnoreCase))
            {
                return (DatabaseProvider.Sqlite, null, "DATABASE_URL");
            }
            return (DatabaseProvider.Postgres, ParsePostgres(url), "DATABASE_URL");
        }
        var host = s.String("POSTGRES_HOST");
        if (host is null)
        {
            return (DatabaseProvider.Sqlite, null, "DATABASE_URL");
        }
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = s.Int("POSTGRES_PORT", 5432, 1, 65535),
            Username = s.String("POSTGRES_USER") ?? "postgres",
            Password = s.String("POSTGRES_PASSWORD"),
            Database = s.String("POSTGRES_DB") ?? "mysaaschat",
        };
        return (DatabaseProvider.Postgres, b.ConnectionString, "POSTGRES_HOST");
    }

    /// <summary>Accepts postgres://user:pass@host:port/db?sslmode=require or an Npgsql key=value string.</summary>
    public static string ParsePostgres(string url)
    {
        const string variable = "DATABASE_URL";
        if (url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new SettingsException(variable, "is not a valid postgres:// URL (postgres://user:password@host:5432/database)");
            }
            var b = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
                Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')) is { Length: > 0 } db ? db : "mysaaschat",
            };
            var userInfo = uri.UserInfo.Split(':', 2);
            if (userInfo[0].Length > 0) b.Username = Uri.UnescapeDataString(userInfo[0]);
            if (userInfo.Length > 1) b.Password = Uri.UnescapeDataString(userInfo[1]);
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                var key = Uri.UnescapeDataString(kv[0]).ToLowerInvariant();
                var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
                switch (key)
                {
                    case "sslmode":
                        b.SslMode = value.ToLowerInvariant() switch
                        {
                            "disable" => SslMode.Disable,
                            "allow" => SslMode.Allow,
                            "prefer" => SslMode.Prefer,
                            "require" => SslMode.Require,
                            "verify-ca" => SslMode.VerifyCA,
                            "verify-full" => SslMode.VerifyFull,
                            _ => throw new SettingsException(variable, $"sslmode '{value}' is not known"),
                        };
                        break;
                    case "schema":
                        break; // one schema per module is chosen by the program
                    default:
                        try { b[key] = value; }
                        catch (Exception ex) when (ex is ArgumentException or FormatException) { throw new SettingsException(variable, $"option '{key}' is not valid: {ex.Message}"); }
                        break;
                }
            }
            return b.ConnectionString;
        }
        if (url.Contains('=') && url.Contains("host", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(url).ConnectionString;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw new SettingsException(variable, $"is not a valid connection string: {ex.Message}");
            }
        }
        throw new SettingsException(variable, "must be a postgres:// URL (postgres://user:password@host:5432/database) or Host=...;Username=...;Password=...;Database=...");
    }

    private static StackExchange.Redis.ConfigurationOptions? ReadRedis(Settings s)
    {
        var url = s.String("REDIS_URL");
        if (url is null)
        {
            return null;
        }
        var options = new StackExchange.Redis.ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
            AsyncTimeout = 5000,
            ConnectRetry = 3,
            ClientName = "mysaaschat",
        };
        if (url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new SettingsException("REDIS_URL", "is not a valid redis:// URL (redis://[:password@]host:6379[/db])");
            }
            options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
            options.Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase);
            var userInfo = uri.UserInfo.Split(':', 2);
            if (userInfo.Length == 2)
            {
                if (userInfo[0].Length > 0) options.User = Uri.UnescapeDataString(userInfo[0]);
                options.Password = Uri.UnescapeDataString(userInfo[1]);
            }
            else if (userInfo[0].Length > 0)
            {
                options.Password = Uri.UnescapeDataString(userInfo[0]);
            }
            var db = uri.AbsolutePath.Trim('/');
            if (db.Length > 0)
            {
                options.DefaultDatabase = int.TryParse(db, out var n) && n >= 0 ? n : throw new SettingsException("REDIS_URL", $"database '{db}' is not a number");
            }
        }
        else
        {
            var parts = url.Split(':');
            if (parts.Length > 2 || parts[0].Length == 0 || (parts.Length == 2 && !int.TryParse(parts[1], out _)))
            {
                throw new SettingsException("REDIS_URL", "must be redis://host:6379 or host:port");
            }
            options.EndPoints.Add(parts[0], parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 6379);
        }
        var password = s.String("REDIS_PASSWORD");
        if (password is not null && options.Password is null)
        {
            options.Password = password;
        }
        return options;
    }
}

/// <summary>Reads flat environment-style settings (DATABASE_URL, PORT, ...) with checks that name the variable.</summary>
public sealed class Settings(IConfiguration config)
{
    public string? String(string name)
    {
        var value = config[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public string Required(string name, string why) =>
        String(name) ?? throw new SettingsException(name, $"is required {why}");

    public int Int(string name, int fallback, int min, int max)
    {
        var value = String(name);
        if (value is null) return fallback;
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new SettingsException(name, $"'{value}' must be a whole number from {min} to {max}");
        }
        return n;
    }

    public bool Bool(string name, bool fallback)
    {
        var value = String(name);
        return value?.ToLowerInvariant() switch
        {
            null => fallback,
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new SettingsException(name, $"'{value}' must be true or false"),
        };
    }

    public IReadOnlyList<string> List(string name) =>
        String(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Durations like 15m, 7d, 3600 (seconds) or 500ms.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var value = String(name);
        if (value is null) return fallback;
        var v = value.ToLowerInvariant();
        (string num, Func<double, TimeSpan> unit) = v switch
        {
            _ when v.EndsWith("ms") => (v[..^2], TimeSpan.FromMilliseconds),
            _ when v.EndsWith('s') => (v[..^1], TimeSpan.FromSeconds),
            _ when v.EndsWith('m') => (v[..^1], TimeSpan.FromMinutes),
            _ when v.EndsWith('h') => (v[..^1], TimeSpan.FromHours),
            _ when v.EndsWith('d') => (v[..^1], TimeSpan.FromDays),
            _ => (v, (Func<double, TimeSpan>)TimeSpan.FromSeconds),
        };
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new SettingsException(name, $"'{value}' must be a duration such as 15m, 7d or 3600");
        }
        return unit(n);
    }

    /// <summary>Sizes like 10mb, 512kb or a number of bytes.</summary>
    public long Size(string name, long fallback)
    {
        var value = String(name);
        if (value is null) return fallback;
        var v = value.ToLowerInvariant();
        long mult = 1;
        if (v.EndsWith("gb")) { mult = 1L << 30; v = v[..^2]; }
        else if (v.EndsWith("mb")) { mult = 1L << 20; v = v[..^2]; }
        else if (v.EndsWith("kb")) { mult = 1L << 10; v = v[..^2]; }
        else if (v.EndsWith('b')) { v = v[..^1]; }
        if (!long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new SettingsException(name, $"'{value}' must be a size such as 10mb or a number of bytes");
        }
        return n * mult;
    }
}

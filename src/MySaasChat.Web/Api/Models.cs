// The public API's shapes come from MySaasChat.Contracts, the same records the server answers with.
// The web app calls them by the names it reads best in its own code.
global using UserInfo = MySaasChat.Contracts.UserResponse;
global using TokenResponse = MySaasChat.Contracts.TokenResponse;
global using AcceptedResponse = MySaasChat.Contracts.AcceptedResponse;
global using SessionInfo = MySaasChat.Contracts.SessionResponse;
global using UserPage = MySaasChat.Contracts.UserPage;
global using TwoFactorSetup = MySaasChat.Contracts.TwoFactorSetupResponse;
global using RecoveryCodesResponse = MySaasChat.Contracts.RecoveryCodesResponse;
global using ConversationSummary = MySaasChat.Contracts.ConversationSummary;
global using ConversationPage = MySaasChat.Contracts.ConversationPage;
global using ChatMessage = MySaasChat.Contracts.ChatMessageBody;
global using ConversationDetail = MySaasChat.Contracts.ConversationDetail;
global using ModelInfo = MySaasChat.Contracts.ModelBody;
global using UsageByModel = MySaasChat.Contracts.UsageByModel;
global using UsageInfo = MySaasChat.Contracts.UsageBody;

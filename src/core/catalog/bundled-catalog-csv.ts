// Copied verbatim from the seed's catalog-2025-11.csv: the single source of the bundled chat
// models (the seed prices no speech-to-text; those rows are transcriptionRows in bundled-catalog.ts).
// 2025-11.1: the speech-to-text rows of bundled-catalog.ts became priced; a new version
// makes existing users get them by the three-way merge.
// 2025-11.2: a published speed carries its source and date (publishedSpeed), so existing users'
// rows get the figure back with where it comes from.
export const BUNDLED_CATALOG_VERSION = '2025-11.2'

export const bundledCatalogCsv = `
provider,model_id,display_name,input_usd_per_1m,output_usd_per_1m,context_tokens,multiplier,credits,source
gemini,gemini-2.5-pro,Gemini 2.5 Pro,1.25,10.00,1048576,3.0,60,public list price; multiplier set inside seed range 8-60
gemini,gemini-2.5-flash,Gemini 2.5 Flash,0.30,2.50,1048576,2.5,50,public list price; multiplier set inside seed range
gemini,gemini-2.5-flash-lite,Gemini 2.5 Flash-Lite,0.10,0.40,1048576,0.8,16,rule
gemini,gemini-2.0-flash,Gemini 2.0 Flash,0.10,0.40,1048576,0.8,16,rule
gemini,gemini-2.0-flash-lite,Gemini 2.0 Flash-Lite,0.075,0.30,1048576,0.4,8,seed range floor
groq,llama-3.1-8b-instant,Llama 3.1 8B Instant,0.05,0.08,131072,0.2,4,SEED
groq,openai/gpt-oss-20b,GPT-OSS 20B,0.05,0.20,131072,0.4,8,SEED
groq,openai/gpt-oss-120b,GPT-OSS 120B,0.15,0.60,131072,1.2,24,SEED
groq,llama-3.3-70b-versatile,Llama 3.3 70B Versatile,0.59,0.79,131072,2.3,46,SEED
openai,gpt-5-pro,GPT-5 Pro,15,120,400000,50,1000,SEED (Responses API only)
openai,gpt-5,GPT-5,1.25,10,400000,11.5,230,below 234 so seed top-3 holds
openai,gpt-5-mini,GPT-5 mini,0.25,2.00,400000,3.8,76,rule
openai,gpt-5-nano,GPT-5 nano,0.05,0.40,400000,1.0,20,seed floor 20 for OpenAI
openai,gpt-4.1,GPT-4.1,2.00,8.00,1047576,11.4,228,below 234 so seed top-3 holds
openai,gpt-4.1-mini,GPT-4.1 mini,0.40,1.60,1047576,3.3,66,rule
openai,gpt-4.1-nano,GPT-4.1 nano,0.10,0.40,1047576,1.0,20,seed floor 20 for OpenAI
openai,gpt-4o,GPT-4o,2.50,10.00,128000,11.6,232,below 234 so seed top-3 holds
openai,gpt-4o-mini,GPT-4o mini,0.15,0.60,128000,1.2,24,rule
openai,o4-mini,o4-mini,1.10,4.40,200000,9.2,184,rule
together,meta-llama/Llama-3.3-70B-Instruct-Turbo,Llama 3.3 70B Turbo,0.88,0.88,131072,2.9,58,SEED
together,meta-llama/Llama-3.3-70B-Instruct-Turbo-Free,Llama 3.3 70B Free,0,0,131072,0,0,SEED (provider may have retired it: must fail clearly)
together,openai/gpt-oss-20b,GPT-OSS 20B,0.05,0.20,128000,0.4,8,SEED
together,openai/gpt-oss-120b,GPT-OSS 120B,0.15,0.60,128000,1.2,24,SEED
together,Qwen/Qwen2.5-7B-Instruct-Turbo,Qwen2.5 7B Turbo,0.30,0.30,32768,1.0,20,SEED
together,deepseek-ai/DeepSeek-R1,DeepSeek R1,3.00,7.00,163839,16.7,334,SEED
together,Qwen/Qwen3-235B-A22B-Thinking-2507,Qwen3 235B Thinking,0.65,3.00,262144,6.1,122,SEED
together,google/gemma-3n-E4B-it,Gemma 3n E4B,0.02,0.04,32768,0.1,2,SEED
together,meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo,Llama 3.1 405B Turbo,3.50,3.50,130815,11.7,234,SEED
together,meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo,Llama 3.1 8B Turbo,0.18,0.18,131072,0.6,12,rule
together,meta-llama/Meta-Llama-3-8B-Instruct-Lite,Llama 3 8B Lite,0.10,0.10,8192,0.3,6,rule
together,meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8,Llama 4 Maverick,0.27,0.85,1048576,1.9,38,rule
together,meta-llama/Llama-4-Scout-17B-16E-Instruct,Llama 4 Scout,0.18,0.59,1048576,1.3,26,rule
together,deepseek-ai/DeepSeek-V3,DeepSeek V3,1.25,1.25,163839,4.2,84,rule
together,deepseek-ai/DeepSeek-V3.1,DeepSeek V3.1,0.60,1.70,128000,3.8,76,rule
together,Qwen/Qwen2.5-72B-Instruct-Turbo,Qwen2.5 72B Turbo,1.20,1.20,32768,4.0,80,rule
together,Qwen/Qwen3-235B-A22B-Instruct-2507-tput,Qwen3 235B Instruct,0.20,0.60,262144,1.3,26,rule
together,moonshotai/Kimi-K2-Instruct-0905,Kimi K2 0905,1.00,3.00,262144,6.7,134,rule
together,zai-org/GLM-4.5-Air-FP8,GLM-4.5 Air,0.20,1.10,131072,2.2,44,rule
together,mistralai/Mistral-Small-24B-Instruct-2501,Mistral Small 3,0.80,0.80,32768,2.7,54,rule
together,mistralai/Mistral-7B-Instruct-v0.2,Mistral 7B v0.2,0.20,0.20,32768,0.7,14,rule
together,mistralai/Mixtral-8x7B-Instruct-v0.1,Mixtral 8x7B,0.60,0.60,32768,2.0,40,rule
`

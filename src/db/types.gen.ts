
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "public": {
          Tables: {
            "account_maps": {
                  Row: {
                    "created_at": string,"file_id": string,"firm_id": string,"hub_account": string,"quadra_account": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"file_id": string,"firm_id": string,"hub_account": string,"quadra_account": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"file_id"?: string,"firm_id"?: string,"hub_account"?: string,"quadra_account"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "account_maps_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "account_maps_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"accounts": {
                  Row: {
                    "collective": string | null,"file_id": string,"firm_id": string,"gone_at": string | null,"id": string,"kind": Database["public"]['Enums']["account_kind"],"label": string,"number": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "collective"?: string | null,"file_id": string,"firm_id": string,"gone_at"?: string | null,"id"?: string,"kind": Database["public"]['Enums']["account_kind"],"label"?: string,"number": string,"updated_at"?: string
                  }
                  Update: {
                    "collective"?: string | null,"file_id"?: string,"firm_id"?: string,"gone_at"?: string | null,"id"?: string,"kind"?: Database["public"]['Enums']["account_kind"],"label"?: string,"number"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "accounts_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "accounts_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"attempts": {
                  Row: {
                    "at": string,"deposit_id": string | null,"detail": string | null,"entry_id": string,"error_code": string | null,"firm_id": string,"id": number,"kind": Database["public"]['Enums']["attempt_kind"],"night": number | null,"outcome": Database["public"]['Enums']["attempt_outcome"]
                  }
                  ComputedFields: never
                  Insert: {
                    "at"?: string,"deposit_id"?: string | null,"detail"?: string | null,"entry_id": string,"error_code"?: string | null,"firm_id": string,"id"?: never,"kind": Database["public"]['Enums']["attempt_kind"],"night"?: number | null,"outcome": Database["public"]['Enums']["attempt_outcome"]
                  }
                  Update: {
                    "at"?: string,"deposit_id"?: string | null,"detail"?: string | null,"entry_id"?: string,"error_code"?: string | null,"firm_id"?: string,"id"?: never,"kind"?: Database["public"]['Enums']["attempt_kind"],"night"?: number | null,"outcome"?: Database["public"]['Enums']["attempt_outcome"]
                  }
                  Relationships: [
                    {
      foreignKeyName: "attempts_deposit_id_firm_id_fkey"
      columns: ["deposit_id","firm_id"]
isOneToOne: false
      referencedRelation: "deposits"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "attempts_entry_id_firm_id_fkey"
      columns: ["entry_id","firm_id"]
isOneToOne: false
      referencedRelation: "entries"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "attempts_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"client_files": {
                  Row: {
                    "account_padding": string,"created_at": string,"dossier_code": string,"firm_id": string,"gone_at": string | null,"id": string,"name": string,"night_lease_owner": string | null,"night_lease_until": string | null,"prerequisites_failing": string | null,"send_account_labels": boolean,"synced_at": string | null,"updated_at": string,"waiting_open_since": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "account_padding"?: string,"created_at"?: string,"dossier_code": string,"firm_id": string,"gone_at"?: string | null,"id"?: string,"name": string,"night_lease_owner"?: string | null,"night_lease_until"?: string | null,"prerequisites_failing"?: string | null,"send_account_labels"?: boolean,"synced_at"?: string | null,"updated_at"?: string,"waiting_open_since"?: string | null
                  }
                  Update: {
                    "account_padding"?: string,"created_at"?: string,"dossier_code"?: string,"firm_id"?: string,"gone_at"?: string | null,"id"?: string,"name"?: string,"night_lease_owner"?: string | null,"night_lease_until"?: string | null,"prerequisites_failing"?: string | null,"send_account_labels"?: boolean,"synced_at"?: string | null,"updated_at"?: string,"waiting_open_since"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "client_files_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"connections": {
                  Row: {
                    "cfe_key_hint": string,"checked_at": string,"checks": NonNullable<Json>,"cpa_key_hint": string,"firm_id": string,"secrets_ciphertext": string,"secrets_key_id": string,"status": Database["public"]['Enums']["connection_status"],"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "cfe_key_hint": string,"checked_at"?: string,"checks"?: NonNullable<Json>,"cpa_key_hint": string,"firm_id": string,"secrets_ciphertext": string,"secrets_key_id": string,"status": Database["public"]['Enums']["connection_status"],"updated_at"?: string
                  }
                  Update: {
                    "cfe_key_hint"?: string,"checked_at"?: string,"checks"?: NonNullable<Json>,"cpa_key_hint"?: string,"firm_id"?: string,"secrets_ciphertext"?: string,"secrets_key_id"?: string,"status"?: Database["public"]['Enums']["connection_status"],"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "connections_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: true
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"deposits": {
                  Row: {
                    "absent_since": string | null,"blob_name": string,"claimed_until": string | null,"created_at": string,"entry_count": number,"error_code": string | null,"etag": string | null,"file_id": string,"firm_id": string,"id": string,"imported_seen_at": string | null,"line_count": number,"replaces_id": string | null,"seq": number,"size_bytes": number | null,"status": Database["public"]['Enums']["deposit_status"],"unconfirmed_at": string | null,"upload_started_at": string | null,"uploaded_at": string | null,"verified_at": string | null,"verify_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "absent_since"?: string | null,"blob_name": string,"claimed_until"?: string | null,"created_at"?: string,"entry_count"?: number,"error_code"?: string | null,"etag"?: string | null,"file_id": string,"firm_id": string,"id"?: string,"imported_seen_at"?: string | null,"line_count"?: number,"replaces_id"?: string | null,"seq"?: never,"size_bytes"?: number | null,"status"?: Database["public"]['Enums']["deposit_status"],"unconfirmed_at"?: string | null,"upload_started_at"?: string | null,"uploaded_at"?: string | null,"verified_at"?: string | null,"verify_at"?: string | null
                  }
                  Update: {
                    "absent_since"?: string | null,"blob_name"?: string,"claimed_until"?: string | null,"created_at"?: string,"entry_count"?: number,"error_code"?: string | null,"etag"?: string | null,"file_id"?: string,"firm_id"?: string,"id"?: string,"imported_seen_at"?: string | null,"line_count"?: number,"replaces_id"?: string | null,"seq"?: never,"size_bytes"?: number | null,"status"?: Database["public"]['Enums']["deposit_status"],"unconfirmed_at"?: string | null,"upload_started_at"?: string | null,"uploaded_at"?: string | null,"verified_at"?: string | null,"verify_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "deposits_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "deposits_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "deposits_replaces_id_firm_id_fkey"
      columns: ["replaces_id","firm_id"]
isOneToOne: false
      referencedRelation: "deposits"
      referencedColumns: ["id","firm_id"]
    }
                  ]
                },"documents": {
                  Row: {
                    "attachment_name": string,"content": string,"content_type": string,"created_at": string,"file_id": string,"file_name": string,"firm_id": string,"id": string,"sha256": string,"size_bytes": number
                  }
                  ComputedFields: never
                  Insert: {
                    "attachment_name": string,"content": string,"content_type": string,"created_at"?: string,"file_id": string,"file_name": string,"firm_id": string,"id"?: string,"sha256": string,"size_bytes": number
                  }
                  Update: {
                    "attachment_name"?: string,"content"?: string,"content_type"?: string,"created_at"?: string,"file_id"?: string,"file_name"?: string,"firm_id"?: string,"id"?: string,"sha256"?: string,"size_bytes"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "documents_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "documents_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"entries": {
                  Row: {
                    "batch_deposit_id": string | null,"created_at": string,"deposit_id": string | null,"due_date": string | null,"duplicate_in_quadra": boolean,"entry_date": string,"external_id": string,"file_id": string,"firm_id": string,"id": string,"journal_code": string,"kind": Database["public"]['Enums']["entry_kind"],"label": string,"line_count": number,"next_attempt_at": string | null,"nights_tried": number,"piece_ref": string | null,"posted_at": string | null,"previous_refs": (string)[],"quadra_ref": string,"sent_at": string | null,"status": Database["public"]['Enums']["entry_status"],"status_message": string | null,"total_cents": number,"updated_at": string,"warnings": NonNullable<Json>
                  }
                  ComputedFields: never
                  Insert: {
                    "batch_deposit_id"?: string | null,"created_at"?: string,"deposit_id"?: string | null,"due_date"?: string | null,"duplicate_in_quadra"?: boolean,"entry_date": string,"external_id": string,"file_id": string,"firm_id": string,"id"?: string,"journal_code": string,"kind": Database["public"]['Enums']["entry_kind"],"label": string,"line_count"?: number,"next_attempt_at"?: string | null,"nights_tried"?: number,"piece_ref"?: string | null,"posted_at"?: string | null,"previous_refs"?: (string)[],"quadra_ref"?: string,"sent_at"?: string | null,"status"?: Database["public"]['Enums']["entry_status"],"status_message"?: string | null,"total_cents"?: number,"updated_at"?: string,"warnings"?: NonNullable<Json>
                  }
                  Update: {
                    "batch_deposit_id"?: string | null,"created_at"?: string,"deposit_id"?: string | null,"due_date"?: string | null,"duplicate_in_quadra"?: boolean,"entry_date"?: string,"external_id"?: string,"file_id"?: string,"firm_id"?: string,"id"?: string,"journal_code"?: string,"kind"?: Database["public"]['Enums']["entry_kind"],"label"?: string,"line_count"?: number,"next_attempt_at"?: string | null,"nights_tried"?: number,"piece_ref"?: string | null,"posted_at"?: string | null,"previous_refs"?: (string)[],"quadra_ref"?: string,"sent_at"?: string | null,"status"?: Database["public"]['Enums']["entry_status"],"status_message"?: string | null,"total_cents"?: number,"updated_at"?: string,"warnings"?: NonNullable<Json>
                  }
                  Relationships: [
                    {
      foreignKeyName: "entries_batch_deposit_id_firm_id_fkey"
      columns: ["batch_deposit_id","firm_id"]
isOneToOne: false
      referencedRelation: "deposits"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "entries_deposit_id_firm_id_fkey"
      columns: ["deposit_id","firm_id"]
isOneToOne: false
      referencedRelation: "deposits"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "entries_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "entries_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"entry_count_deltas": {
                  Row: {
                    "file_id": string,"firm_id": string,"id": number,"n": number,"status": Database["public"]['Enums']["entry_status"]
                  }
                  ComputedFields: never
                  Insert: {
                    "file_id": string,"firm_id": string,"id"?: never,"n": number,"status": Database["public"]['Enums']["entry_status"]
                  }
                  Update: {
                    "file_id"?: string,"firm_id"?: string,"id"?: never,"n"?: number,"status"?: Database["public"]['Enums']["entry_status"]
                  }
                  Relationships: [
                    
                  ]
                },"entry_documents": {
                  Row: {
                    "document_id": string,"entry_id": string,"firm_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "document_id": string,"entry_id": string,"firm_id": string
                  }
                  Update: {
                    "document_id"?: string,"entry_id"?: string,"firm_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "entry_documents_document_id_firm_id_fkey"
      columns: ["document_id","firm_id"]
isOneToOne: false
      referencedRelation: "documents"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "entry_documents_entry_id_firm_id_fkey"
      columns: ["entry_id","firm_id"]
isOneToOne: false
      referencedRelation: "entries"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "entry_documents_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"entry_lines": {
                  Row: {
                    "account": string,"account_label": string | null,"credit_cents": number,"debit_cents": number,"entry_id": string,"firm_id": string,"label": string | null,"line_no": number,"quadra_account": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "account": string,"account_label"?: string | null,"credit_cents"?: number,"debit_cents"?: number,"entry_id": string,"firm_id": string,"label"?: string | null,"line_no": number,"quadra_account"?: string | null
                  }
                  Update: {
                    "account"?: string,"account_label"?: string | null,"credit_cents"?: number,"debit_cents"?: number,"entry_id"?: string,"firm_id"?: string,"label"?: string | null,"line_no"?: number,"quadra_account"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "entry_lines_entry_id_firm_id_fkey"
      columns: ["entry_id","firm_id"]
isOneToOne: false
      referencedRelation: "entries"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "entry_lines_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"events": {
                  Row: {
                    "data": NonNullable<Json>,"firm_id": string,"id": number,"object_id": string,"occurred_at": string,"public_id": string,"type": string
                  }
                  ComputedFields: never
                  Insert: {
                    "data": NonNullable<Json>,"firm_id": string,"id"?: never,"object_id": string,"occurred_at"?: string,"public_id"?: string,"type": string
                  }
                  Update: {
                    "data"?: NonNullable<Json>,"firm_id"?: string,"id"?: never,"object_id"?: string,"occurred_at"?: string,"public_id"?: string,"type"?: string
                  }
                  Relationships: [
                    
                  ]
                },"firm_members": {
                  Row: {
                    "created_at": string,"firm_id": string,"role": Database["public"]['Enums']["member_role"],"user_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"firm_id": string,"role"?: Database["public"]['Enums']["member_role"],"user_id": string
                  }
                  Update: {
                    "created_at"?: string,"firm_id"?: string,"role"?: Database["public"]['Enums']["member_role"],"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "firm_members_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"firms": {
                  Row: {
                    "created_at": string,"id": string,"name": string,"sic_code": string,"sic_verified_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"id"?: string,"name": string,"sic_code": string,"sic_verified_at"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"name"?: string,"sic_code"?: string,"sic_verified_at"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"idempotency_keys": {
                  Row: {
                    "created_at": string,"file_id": string,"firm_id": string,"key": string,"request_hash": string,"response": string,"status_code": number
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"file_id": string,"firm_id": string,"key": string,"request_hash": string,"response": string,"status_code": number
                  }
                  Update: {
                    "created_at"?: string,"file_id"?: string,"firm_id"?: string,"key"?: string,"request_hash"?: string,"response"?: string,"status_code"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "idempotency_keys_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "idempotency_keys_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"journals": {
                  Row: {
                    "code": string,"file_id": string,"firm_id": string,"gone_at": string | null,"id": string,"is_open": boolean,"label": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "code": string,"file_id": string,"firm_id": string,"gone_at"?: string | null,"id"?: string,"is_open": boolean,"label"?: string,"updated_at"?: string
                  }
                  Update: {
                    "code"?: string,"file_id"?: string,"firm_id"?: string,"gone_at"?: string | null,"id"?: string,"is_open"?: boolean,"label"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "journals_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "journals_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"periods": {
                  Row: {
                    "ends_on": string,"file_id": string,"firm_id": string,"gone_at": string | null,"id": string,"starts_on": string,"status": Database["public"]['Enums']["period_status"],"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "ends_on": string,"file_id": string,"firm_id": string,"gone_at"?: string | null,"id"?: string,"starts_on": string,"status": Database["public"]['Enums']["period_status"],"updated_at"?: string
                  }
                  Update: {
                    "ends_on"?: string,"file_id"?: string,"firm_id"?: string,"gone_at"?: string | null,"id"?: string,"starts_on"?: string,"status"?: Database["public"]['Enums']["period_status"],"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "periods_file_id_firm_id_fkey"
      columns: ["file_id","firm_id"]
isOneToOne: false
      referencedRelation: "client_files"
      referencedColumns: ["id","firm_id"]
    },{
      foreignKeyName: "periods_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"reference_syncs": {
                  Row: {
                    "counts": NonNullable<Json>,"created_at": string,"error_code": string | null,"error_message": string | null,"finished_at": string | null,"firm_id": string,"id": string,"started_at": string | null,"status": Database["public"]['Enums']["sync_run_status"],"trigger": Database["public"]['Enums']["sync_trigger"]
                  }
                  ComputedFields: never
                  Insert: {
                    "counts"?: NonNullable<Json>,"created_at"?: string,"error_code"?: string | null,"error_message"?: string | null,"finished_at"?: string | null,"firm_id": string,"id"?: string,"started_at"?: string | null,"status"?: Database["public"]['Enums']["sync_run_status"],"trigger": Database["public"]['Enums']["sync_trigger"]
                  }
                  Update: {
                    "counts"?: NonNullable<Json>,"created_at"?: string,"error_code"?: string | null,"error_message"?: string | null,"finished_at"?: string | null,"firm_id"?: string,"id"?: string,"started_at"?: string | null,"status"?: Database["public"]['Enums']["sync_run_status"],"trigger"?: Database["public"]['Enums']["sync_trigger"]
                  }
                  Relationships: [
                    {
      foreignKeyName: "reference_syncs_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                },"webhook_attempts": {
                  Row: {
                    "at": string,"delivery_id": number,"duration_ms": number,"endpoint_id": string,"error": string | null,"firm_id": string,"id": number,"next_at": string | null,"status_code": number | null
                  }
                  ComputedFields: never
                  Insert: {
                    "at"?: string,"delivery_id": number,"duration_ms": number,"endpoint_id": string,"error"?: string | null,"firm_id": string,"id"?: never,"next_at"?: string | null,"status_code"?: number | null
                  }
                  Update: {
                    "at"?: string,"delivery_id"?: number,"duration_ms"?: number,"endpoint_id"?: string,"error"?: string | null,"firm_id"?: string,"id"?: never,"next_at"?: string | null,"status_code"?: number | null
                  }
                  Relationships: [
                    
                  ]
                },"webhook_deliveries": {
                  Row: {
                    "attempts": number,"created_at": string,"endpoint_id": string,"event_id": number,"finished_at": string | null,"firm_id": string,"id": number,"last_error": string | null,"last_status": number | null,"lease_until": string | null,"next_at": string | null,"state": string
                  }
                  ComputedFields: never
                  Insert: {
                    "attempts"?: number,"created_at"?: string,"endpoint_id": string,"event_id": number,"finished_at"?: string | null,"firm_id": string,"id"?: never,"last_error"?: string | null,"last_status"?: number | null,"lease_until"?: string | null,"next_at"?: string | null,"state"?: string
                  }
                  Update: {
                    "attempts"?: number,"created_at"?: string,"endpoint_id"?: string,"event_id"?: number,"finished_at"?: string | null,"firm_id"?: string,"id"?: never,"last_error"?: string | null,"last_status"?: number | null,"lease_until"?: string | null,"next_at"?: string | null,"state"?: string
                  }
                  Relationships: [
                    
                  ]
                },"webhook_endpoints": {
                  Row: {
                    "created_at": string,"description": string,"disabled_reason": string | null,"enabled": boolean,"event_types": (string)[] | null,"failing_since": string | null,"firm_id": string,"id": string,"previous_secret_ciphertext": string | null,"previous_secret_key_id": string | null,"previous_secret_until": string | null,"secret_ciphertext": string,"secret_key_id": string,"tokens": number,"tokens_at": string,"updated_at": string,"url": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"description"?: string,"disabled_reason"?: string | null,"enabled"?: boolean,"event_types"?: (string)[] | null,"failing_since"?: string | null,"firm_id": string,"id"?: string,"previous_secret_ciphertext"?: string | null,"previous_secret_key_id"?: string | null,"previous_secret_until"?: string | null,"secret_ciphertext": string,"secret_key_id": string,"tokens"?: number,"tokens_at"?: string,"updated_at"?: string,"url": string
                  }
                  Update: {
                    "created_at"?: string,"description"?: string,"disabled_reason"?: string | null,"enabled"?: boolean,"event_types"?: (string)[] | null,"failing_since"?: string | null,"firm_id"?: string,"id"?: string,"previous_secret_ciphertext"?: string | null,"previous_secret_key_id"?: string | null,"previous_secret_until"?: string | null,"secret_ciphertext"?: string,"secret_key_id"?: string,"tokens"?: number,"tokens_at"?: string,"updated_at"?: string,"url"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "webhook_endpoints_firm_id_fkey"
      columns: ["firm_id"]
isOneToOne: false
      referencedRelation: "firms"
      referencedColumns: ["id"]
    }
                  ]
                }
          }
          Views: {
            [_ in never]: never
          }
          Functions: {
            [_ in never]: never
          }
          Enums: {
            "account_kind": "general"|"customer"|"supplier","attempt_kind": "send"|"resend"|"verify"|"decide"|"revalidate","attempt_outcome": "sent"|"held"|"posted"|"not_found"|"duplicate"|"replaced"|"failed_check"|"file_waiting"|"error"|"revalidated","connection_status": "connected"|"failed","deposit_status": "preparing"|"uploaded"|"replacing"|"replaced"|"imported"|"failed"|"unconfirmed","entry_kind": "purchase"|"sale"|"expense_report"|"bank","entry_status": "pending"|"sent"|"posted"|"failed_check","member_role": "admin"|"member","period_status": "open"|"closed","sync_run_status": "queued"|"running"|"succeeded"|"failed","sync_trigger": "manual"|"nightly"|"connection"
          }
          CompositeTypes: {
            [_ in never]: never
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "public": {
          Enums: {
            "account_kind": ["general", "customer", "supplier"],"attempt_kind": ["send", "resend", "verify", "decide", "revalidate"],"attempt_outcome": ["sent", "held", "posted", "not_found", "duplicate", "replaced", "failed_check", "file_waiting", "error", "revalidated"],"connection_status": ["connected", "failed"],"deposit_status": ["preparing", "uploaded", "replacing", "replaced", "imported", "failed", "unconfirmed"],"entry_kind": ["purchase", "sale", "expense_report", "bank"],"entry_status": ["pending", "sent", "posted", "failed_check"],"member_role": ["admin", "member"],"period_status": ["open", "closed"],"sync_run_status": ["queued", "running", "succeeded", "failed"],"sync_trigger": ["manual", "nightly", "connection"]
          }
        }
} as const
